/**
 * Workspace adapter over git: a bare mirror per repository (fetched once per job, so a
 * second job on the same repository downloads only what is new), and a fresh local clone
 * of it for each job. The remote of the clone is the real URL, without credentials.
 */
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";
import type {
  Checkout,
  CommandRunner,
  Logger,
  PrepareInput,
  RepoRef,
  Workspace,
} from "../core/index.js";
import { PatchsmithError, RemoteError, silentLogger } from "../core/index.js";
import { GitCheckout } from "./git-checkout.js";
import { gitAuthEnv, redactToken } from "./git-auth.js";
import { mergeClean } from "./git-merge.js";

export interface GitWorkspaceOptions {
  /** Holds mirrors/ and jobs/. */
  workDir: string;
  /** Where git clones from: https://github.com, a GHES host, or a local directory of bare repos. */
  gitBaseUrl: string;
  /** Overrides gitBaseUrl: the exact clone and push URL of a repository (local mode). */
  remoteUrlFor?: (repo: RepoRef) => string;
  runnerFor: (dir: string) => CommandRunner;
  /** Environment git inherits (PATH, HOME, ...; never credentials). */
  env: Record<string, string>;
  logger?: Logger;
}

/** GIT_BASE_URL may be an URL or, for tests and local mirrors, a directory holding owner/name.git. */
export function remoteUrl(gitBaseUrl: string, repo: RepoRef): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(gitBaseUrl)) {
    return `${gitBaseUrl.replace(/\/+$/, "")}/${repo.owner}/${repo.name}.git`;
  }
  return path.resolve(gitBaseUrl, repo.owner, `${repo.name}.git`);
}

/**
 * Repository code runs in the checkout during the gate and could plant hooks or an
 * fsmonitor command in .git; our own git commands, which hold the token, never run them.
 */
const SAFE_GIT_CONFIG = ["core.hooksPath=/dev/null", "core.fsmonitor=false"];

export function safeGit(baseDir?: string): SimpleGit {
  return simpleGit({
    ...(baseDir ? { baseDir } : {}),
    config: SAFE_GIT_CONFIG,
    // These two only ever switch the features off (see SAFE_GIT_CONFIG).
    unsafe: {
      allowUnsafeHooksPath: true,
      allowUnsafeFsMonitor: true,
      allowUnsafeConfigEnvCount: true,
    },
    // The token travels in GIT_CONFIG_* (see git-auth.ts); the identity in GIT_AUTHOR_*/GIT_COMMITTER_*.
    allowEnvironment: [
      "GIT_TERMINAL_PROMPT",
      "GIT_CONFIG_COUNT",
      "GIT_CONFIG_KEY_0",
      "GIT_CONFIG_VALUE_0",
      "GIT_AUTHOR_NAME",
      "GIT_AUTHOR_EMAIL",
      "GIT_COMMITTER_NAME",
      "GIT_COMMITTER_EMAIL",
    ],
  });
}

export function createGitWorkspace(
  options: GitWorkspaceOptions,
): Workspace & { remoteUrl(repo: RepoRef): string } {
  const logger = options.logger ?? silentLogger;
  const urlOf = options.remoteUrlFor ?? ((repo: RepoRef) => remoteUrl(options.gitBaseUrl, repo));
  const locks = new Map<string, Promise<unknown>>();

  /** One fetch at a time per mirror. */
  async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = locks.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(fn);
    locks.set(key, next);
    try {
      return await next;
    } finally {
      if (locks.get(key) === next) locks.delete(key);
    }
  }

  async function updateMirror(
    repo: RepoRef,
    url: string,
    token: string | undefined,
  ): Promise<string> {
    const mirror = path.join(options.workDir, "mirrors", `${repo.owner}+${repo.name}.git`);
    await withLock(mirror, async () => {
      const env = { ...options.env, ...gitAuthEnv(token) };
      try {
        if (await isDirectory(mirror)) {
          await safeGit(mirror)
            .env(env)
            .raw(["fetch", "--prune", "--quiet", url, "+refs/heads/*:refs/heads/*"]);
        } else {
          await mkdir(path.dirname(mirror), { recursive: true });
          await rm(mirror, { recursive: true, force: true });
          await safeGit().env(env).raw(["clone", "--bare", "--quiet", url, mirror]);
        }
      } catch (error) {
        throw new RemoteError(
          redactToken(
            `git fetch of ${repo.owner}/${repo.name} failed: ${(error as Error).message}`,
            token,
          ),
          {
            isRetryable: true,
            phase: "prepare",
            userMessage:
              "Cloning the repository failed. Check that the app is installed on this repository with contents access, then comment `/generate` again.",
          },
        );
      }
    });
    return mirror;
  }

  return {
    remoteUrl: urlOf,

    async prepare(input: PrepareInput): Promise<Checkout> {
      const url = urlOf(input.repo);
      const mirror = await updateMirror(input.repo, url, input.token);
      await mkdir(path.join(options.workDir, "jobs"), { recursive: true });
      const jobDir = await mkdtemp(
        path.join(options.workDir, "jobs", `${input.repo.owner}-${input.repo.name}-`),
      );
      const dir = path.join(jobDir, "repo");
      try {
        await safeGit().env(options.env).raw(["clone", "--quiet", "--no-checkout", mirror, dir]);
        const git = safeGit(dir).env(options.env);
        await git.raw(["remote", "set-url", "origin", url]);
        const base = await resolveRef(git, input.baseRef);
        const remoteBranch = await resolveRef(git, input.branch).catch(() => undefined);
        let baseSha = base;
        if (input.existingBranch) {
          if (!remoteBranch) {
            throw new RemoteError(`branch ${input.branch} not found`, {
              phase: "prepare",
              userMessage: `The pull request's branch \`${input.branch}\` no longer exists, so there is nothing to continue.`,
            });
          }
          // A pull request under review: its head as it is now, people's commits included.
          await git.raw(["checkout", "--quiet", "-B", input.branch, remoteBranch]);
          if (input.mergeBase) {
            const merged = await mergeClean(
              git,
              options.env,
              base,
              input.mergeBase.author,
              input.mergeBase.message,
            );
            if (merged.status === "conflict") {
              throw new PatchsmithError(`merging ${input.baseRef} conflicts`, {
                phase: "prepare",
                userMessage: `\`${input.baseRef}\` moved on and no longer merges cleanly into this pull request. Conflicting files: ${merged.files.map((f) => `\`${f}\``).join(", ") || "(git named none)"}. Resolve the conflict (merge \`${input.baseRef}\` and push), then ask again.`,
              });
            }
          }
          baseSha = (await git.revparse(["HEAD"])).trim();
        } else if (remoteBranch) {
          // The branch exists (a previous run, or a PR under review): continue from it, never rewrite it.
          await git.raw(["checkout", "--quiet", "-B", input.branch, remoteBranch]);
          baseSha = (await git.raw(["merge-base", base, remoteBranch])).trim();
        } else {
          await git.raw(["checkout", "--quiet", "-B", input.branch, base]);
        }
        logger.info(
          { repo: `${input.repo.owner}/${input.repo.name}`, branch: input.branch, baseSha },
          "workspace ready",
        );
        const gitConfig = await readFile(path.join(dir, ".git", "config"), "utf8");
        return new GitCheckout({
          gitConfig,
          dir,
          baseSha,
          branch: input.branch,
          runner: options.runnerFor(dir),
          git,
          env: options.env,
          ...(input.token ? { token: input.token } : {}),
          disposeDir: jobDir,
        });
      } catch (error) {
        await rm(jobDir, { recursive: true, force: true });
        throw error;
      }
    },
  };
}

async function resolveRef(git: SimpleGit, ref: string): Promise<string> {
  for (const candidate of [`refs/remotes/origin/${ref}`, `refs/heads/${ref}`, ref]) {
    try {
      // With --quiet a missing ref exits 1 with no stderr, which simple-git does not treat as an error.
      const sha = (
        await git.raw(["rev-parse", "--verify", "--quiet", `${candidate}^{commit}`])
      ).trim();
      if (sha) return sha;
    } catch {
      // try the next form
    }
  }
  throw new RemoteError(`ref ${ref} not found`, {
    phase: "prepare",
    userMessage: `The branch or commit \`${ref}\` does not exist in the repository.`,
  });
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}
