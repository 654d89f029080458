/** The shapes that flow through one job. No vendor types here. */

export type Mode = "implement" | "tests" | "refactor" | "docs";
export const MODES: readonly Mode[] = ["implement", "tests", "refactor", "docs"];

export interface RepoRef {
  owner: string;
  name: string;
}

export interface Trigger {
  /** X-GitHub-Delivery of the webhook that started the job, or a local id. */
  deliveryId: string;
  actor: string;
  kind: "label" | "comment" | "review" | "ci" | "local";
  /** The comment that carried the command, when there is one (reactions go on it). */
  commentId?: number;
  /** ISO time of the trigger; comments edited after it are ignored. */
  at: string;
  /**
   * SHA-256 (hex) of the issue body as the approving maintainer saw it, for an outside
   * contributor's issue: a body edited after the approval is not worked on.
   */
  approvedBodySha256?: string;
}

export interface Job {
  id: string;
  kind: "issue" | "feedback" | "ci-repair";
  repo: RepoRef;
  installationId?: number;
  /** Issue number for kind "issue", pull request number for "feedback". */
  number: number;
  trigger: Trigger;
  mode: Mode;
  instructions?: string;
  /**
   * The status comment the receiver created for this job; a job that runs again edits it
   * instead of creating another.
   */
  statusCommentId?: number;
  /** kind "feedback": what on the pull request asked for the change. */
  feedback?: {
    reviewId?: number;
    /** Review comments (inline) and issue comments (on the PR conversation) to address. */
    commentIds: number[];
  };
  /**
   * The command that made this job, when it continues earlier work: "plan" plans again and waits
   * for approval, "approve" continues from the plan in the status comment, "retry" runs the last
   * failed job again, "undo" reverts the bot's last round of commits on pull request `number`.
   * Absent for `/generate` and the label.
   */
  command?: "plan" | "approve" | "retry" | "undo";
  /** kind "ci-repair": the failing run on the pull request's head. */
  ci?: { headSha: string; checkSuiteId?: number; workflowRunId?: number };
}

export interface IssueComment {
  id: number;
  author: string;
  body: string;
  createdAt: string;
  updatedAt?: string;
  isBot?: boolean;
}

export interface Issue {
  number: number;
  title: string;
  body: string;
  url?: string;
  author?: string;
  comments: IssueComment[];
}

export interface CommandSpec {
  /** Shown to users and used for the check name. */
  name: string;
  /** argv[0] is the program; no shell. */
  argv: string[];
}

export interface RepoProfile {
  languages: { name: string; files: number }[];
  packageManagers: string[];
  /** Paths of manifests (package.json, pyproject.toml, Cargo.toml, go.mod, pom.xml, ...). */
  manifests: string[];
  testFramework?: string;
  commands: {
    install?: CommandSpec;
    format?: CommandSpec;
    lint?: CommandSpec;
    typecheck?: CommandSpec;
    test?: CommandSpec;
  };
  /** Config files found: eslint, prettier, tsconfig, ruff, flake8, mypy, ... (paths). */
  configFiles: string[];
  /** AGENTS.md, CLAUDE.md, CONTRIBUTING.md, .github/copilot-instructions.md when present. */
  instructionFiles: string[];
}

export interface RankedFile {
  path: string;
  score: number;
  /** Why it ranked where it did (for --explain and the plan). */
  reasons?: string[];
}

export interface ContextFile {
  path: string;
  /** Whole file or the relevant parts, with line numbers kept in `ranges`. */
  content: string;
  partial: boolean;
}

export interface ContextPack {
  profile: RepoProfile;
  ranked: RankedFile[];
  repoMap: string;
  instructions: { path: string; content: string }[];
  files: ContextFile[];
  /** The whole pack rendered for a prompt. */
  text: string;
  tokens: number;
}

export interface Plan {
  summary: string;
  steps: string[];
  files: string[];
  testStrategy: string;
  risks: string[];
}

export interface ChangeSet {
  files: string[];
  diff: string;
}

export type CheckStatus = "pass" | "fail" | "skipped" | "error";

export interface Finding {
  check: string;
  file?: string;
  line?: number;
  message: string;
  /** True when the same finding exists at the base commit (reported, not blocking). */
  preExisting: boolean;
  severity: "error" | "warning";
}

export interface CheckResult {
  name: string;
  status: CheckStatus;
  durationMs: number;
  /** True when a failure of this check blocks the change (new findings or new failure). */
  blocking: boolean;
  summary: string;
  output?: string;
  findings: Finding[];
}

export interface GateReport {
  passed: boolean;
  checks: CheckResult[];
  findings: Finding[];
  /** 0..100, higher is better. */
  score: number;
  durationMs: number;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface StageTiming {
  stage: string;
  ms: number;
}

export interface RunReport {
  stages: StageTiming[];
  usage: Usage;
  costUsd: number;
  modelCalls: number;
  /** Usage and cost per model stage (plan, implement, repair, feedback), when metered. */
  byStage?: Record<string, { usage: Usage; costUsd: number; calls: number }>;
  repairRounds: number;
  gateRounds: { round: number; passed: boolean; score: number; blocking: string[] }[];
  /** The templates the run rendered, with their versions and whether the repo overrode them. */
  templates?: { name: string; version: string; overridden: boolean }[];
}

export const emptyUsage = (): Usage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
});

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  };
}
