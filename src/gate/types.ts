/** The gate's own contracts: its input, its settings, and the one shape every check plugin has. */
import type { CommandRunner, Finding, Logger, Mode, RepoProfile } from "../core/index.js";
import type { DiffInfo } from "./diff.js";

type CommandSetting = string | string[];

/**
 * Shaped like the `gate`, `policy` and `commands` sections of the repository config, so a parsed
 * RepoConfig can be passed as is: `{ gate: cfg.gate, policy: cfg.policy, commands: cfg.commands }`.
 */
export interface GateSettings {
  gate: {
    repairRounds: number;
    /** Check names to leave out. */
    skip: string[];
    /** Per command. */
    timeoutSeconds: number;
    /** Whether the install step may use the network. */
    installNetwork: boolean;
  };
  policy: {
    protectedPaths: string[];
    maxChangedFiles: number;
    maxChangedLines: number;
    allowNewDependencies: boolean;
  };
  commands: {
    install?: CommandSetting;
    format?: CommandSetting;
    lint?: CommandSetting;
    typecheck?: CommandSetting;
    test?: CommandSetting;
  };
}

export interface RunnerOptions {
  /** Paths outside `dir` the commands must read (the baseline's shared node_modules). */
  readOnlyPaths?: string[];
}

export interface GateInput {
  /** The changed working tree. */
  dir: string;
  baseSha: string;
  profile: RepoProfile;
  settings: GateSettings;
  /** A sandboxed runner whose only writable directory is `dir`. */
  runnerFor: (dir: string, options?: RunnerOptions) => CommandRunner;
  /** Defaults to the diff of `dir` against `baseSha` plus untracked files. */
  changedFiles?: string[];
  /** Baseline worktrees and results are kept here, per base SHA. A temporary directory when absent. */
  cacheDir?: string;
  logger?: Logger;
  signal?: AbortSignal;
  /** The run's mode: tests, refactor and docs add what that mode insists on (mode-rules.ts). */
  mode?: Mode;
  /** The run's instructions; a refactor asked to change the API may drop exported names. */
  instructions?: string;
}

/** What a check sees. At the baseline, `dir` is the base worktree and `isBaseline` is true. */
export interface CheckContext {
  dir: string;
  baseSha: string;
  profile: RepoProfile;
  settings: GateSettings;
  runner: CommandRunner;
  diff: DiffInfo;
  /** Changed files that exist in `dir` (relative, POSIX separators). */
  files: string[];
  isBaseline: boolean;
  timeoutMs: number;
  logger: Logger;
  signal?: AbortSignal;
}

export type CheckFinding = Omit<Finding, "check" | "preExisting">;

export interface CheckOutcome {
  status: "pass" | "fail" | "skipped" | "error";
  summary: string;
  output?: string;
  findings: CheckFinding[];
  /** Files the check rewrote in place (format). */
  fixedFiles?: string[];
}

export interface GateCheck {
  /** Matches the names in `gate.skip`. */
  readonly name: string;
  readonly description: string;
  /**
   * Whether a failure is compared with the same check at the base commit. Diff-based checks
   * (policy, secrets) judge only the change itself, so they never are.
   */
  readonly comparesWithBaseline: boolean;
  /**
   * What a run depends on: the changed files (lint, format), or the whole repository (type-check,
   * tests), so that a baseline result is reused across repair rounds whatever files changed.
   */
  readonly scope: "changed-files" | "repository";
  appliesTo(ctx: CheckContext): boolean | Promise<boolean>;
  run(ctx: CheckContext): Promise<CheckOutcome>;
}
