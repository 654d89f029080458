/**
 * The base commit as a second working tree, so that a check failing on the change can be run
 * again at the base: what already failed there is reported, not blamed on the change. The
 * worktree and each check's result are cached per base SHA; node_modules is shared with the
 * changed tree (a symlink) rather than installed twice.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  realpath,
  rm,
  symlink,
  unlink,
  writeFile,
} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { CommandRunner, Logger } from "../core/index.js";
import { git } from "./git.js";
import type { CheckOutcome, RunnerOptions } from "./types.js";

const LOCK_WAIT_MS = 120_000;

export interface BaselineOptions {
  sourceDir: string;
  baseSha: string;
  cacheDir?: string;
  runnerFor: (dir: string, options?: RunnerOptions) => CommandRunner;
  logger: Logger;
}

export class Baseline {
  private worktree: Promise<string> | undefined;
  private results: Record<string, CheckOutcome> | undefined;
  private temporaryRoot: string | undefined;
  private readOnlyPaths: string[] = [];
  private checkedRunner: Promise<CommandRunner> | undefined;

  constructor(private readonly options: BaselineOptions) {}

  private async root(): Promise<string> {
    if (this.options.cacheDir) {
      await mkdir(this.options.cacheDir, { recursive: true });
      return this.options.cacheDir;
    }
    this.temporaryRoot ??= await mkdtemp(path.join(os.tmpdir(), "patchsmith-baseline-"));
    return this.temporaryRoot;
  }

  /** The base worktree, created on first use. */
  dir(): Promise<string> {
    this.worktree ??= this.create();
    return this.worktree;
  }

  private async create(): Promise<string> {
    const { sourceDir, baseSha } = this.options;
    const dir = path.join(await this.root(), `baseline-${baseSha}`);
    const ready = `${dir}.ready`;
    if (!existsSync(ready)) await this.build(dir, ready);
    const sharedModules = path.join(sourceDir, "node_modules");
    const ownModules = path.join(dir, "node_modules");
    if (existsSync(sharedModules)) {
      const target = await realpath(sharedModules);
      // A cached worktree may still link to the node_modules of an earlier job's workspace.
      const current = await lstat(ownModules).catch(() => undefined);
      if (current?.isSymbolicLink()) await unlink(ownModules);
      if (!current || current.isSymbolicLink()) await symlink(target, ownModules, "dir");
      this.readOnlyPaths = [sharedModules, target];
    }
    // git inside the base worktree follows its .git file back to the source repository.
    this.readOnlyPaths.push(path.join(sourceDir, ".git"));
    return dir;
  }

  /** Creates the worktree once even when several gates on one machine want the same base. */
  private async build(dir: string, ready: string): Promise<void> {
    const lock = `${dir}.lock`;
    try {
      await mkdir(lock);
    } catch {
      for (let waited = 0; waited < LOCK_WAIT_MS && !existsSync(ready); waited += 250) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      if (existsSync(ready)) return;
      // The holder died: take the lock over.
    }
    try {
      const { sourceDir, baseSha } = this.options;
      await git(sourceDir, ["worktree", "prune"]).catch(() => "");
      await rm(dir, { recursive: true, force: true });
      await git(sourceDir, ["worktree", "add", "--detach", "--force", dir, baseSha]);
      await writeFile(ready, `${new Date().toISOString()}\n`);
      this.options.logger.debug({ dir, baseSha }, "baseline worktree created");
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }

  runner(): Promise<CommandRunner> {
    this.checkedRunner ??= this.makeRunner();
    return this.checkedRunner;
  }

  /**
   * A baseline that cannot load its dependencies fails every check for that reason alone, which
   * would pass off the change's own failures as old ones. A runner factory that drops
   * `readOnlyPaths` hides the shared node_modules, so that is checked before the baseline is used.
   */
  private async makeRunner(): Promise<CommandRunner> {
    const dir = await this.dir();
    const runner = this.options.runnerFor(dir, { readOnlyPaths: [...new Set(this.readOnlyPaths)] });
    if (existsSync(path.join(dir, "node_modules"))) {
      const probe = await runner.run({
        argv: ["sh", "-c", "test -r node_modules/."],
        cwd: dir,
        timeoutMs: 30_000,
      });
      if (probe.exitCode !== 0) {
        throw new Error(
          "the baseline's commands cannot read the shared node_modules: the runner factory must pass RunnerOptions.readOnlyPaths to the sandbox (extraReadOnlyPaths)",
        );
      }
    }
    return runner;
  }

  private async resultsFile(): Promise<string> {
    return path.join(await this.root(), `baseline-${this.options.baseSha}.results.json`);
  }

  static key(check: string, files: string[]): string {
    return `${check}:${createHash("sha1")
      .update([...files].sort().join("\n"))
      .digest("hex")}`;
  }

  async cached(key: string): Promise<CheckOutcome | undefined> {
    if (!this.results) {
      const text = await readFile(await this.resultsFile(), "utf8").catch(() => "{}");
      try {
        this.results = JSON.parse(text) as Record<string, CheckOutcome>;
      } catch {
        this.results = {};
      }
    }
    return this.results[key];
  }

  async store(key: string, outcome: CheckOutcome): Promise<void> {
    this.results ??= {};
    this.results[key] = { ...outcome, output: undefined } as CheckOutcome;
    await writeFile(await this.resultsFile(), JSON.stringify(this.results));
  }

  /** Removes a worktree made in a temporary directory; cached ones stay for the next round. */
  async dispose(): Promise<void> {
    if (!this.temporaryRoot) return;
    if (this.worktree) {
      const dir = await this.worktree.catch(() => undefined);
      if (dir)
        await git(this.options.sourceDir, ["worktree", "remove", "--force", dir]).catch(() => "");
    }
    await rm(this.temporaryRoot, { recursive: true, force: true });
    await git(this.options.sourceDir, ["worktree", "prune"]).catch(() => "");
  }
}
