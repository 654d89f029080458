/**
 * A checkout of one job: file access kept inside it, git through simple-git with hooks
 * and fsmonitor disabled (repository code may have written to .git during the gate).
 */
import { mkdir, readFile, rm, writeFile, stat } from "node:fs/promises";
import path from "node:path";
import type { SimpleGit } from "simple-git";
import type { Checkout, CommandRunner, CommitInfo, SearchHit } from "../core/index.js";
import { PatchsmithError, RemoteError, resolveInside } from "../core/index.js";
import { gitAuthEnv, redactToken } from "./git-auth.js";
import { mergeClean } from "./git-merge.js";

export interface GitCheckoutOptions {
  dir: string;
  baseSha: string;
  branch: string;
  runner: CommandRunner;
  git: SimpleGit;
  env: Record<string, string>;
  token?: string;
  /** Removed on dispose (the job's temporary folder, parent of dir). */
  disposeDir: string;
  /** .git/config as prepare left it; put back before each git command of ours. */
  gitConfig: string;
}

export class GitCheckout implements Checkout {
  readonly dir: string;
  readonly baseSha: string;
  readonly branch: string;
  readonly runner: CommandRunner;
  readonly #git: SimpleGit;
  readonly #env: Record<string, string>;
  readonly #token: string | undefined;
  readonly #disposeDir: string;
  readonly #gitConfig: string;

  constructor(options: GitCheckoutOptions) {
    this.dir = options.dir;
    this.baseSha = options.baseSha;
    this.branch = options.branch;
    this.runner = options.runner;
    this.#git = options.git;
    this.#env = options.env;
    this.#token = options.token;
    this.#disposeDir = options.disposeDir;
    this.#gitConfig = options.gitConfig;
  }

  /**
   * Repository code runs in this checkout during the gate and can write to .git. A config
   * entry there (url.*.insteadOf, a filter driver, diff.external, include.path) would run a
   * program or redirect the authenticated push, so our git commands only ever see the
   * config that prepare wrote, and no attributes file of git's own.
   */
  async #restoreGitDir(): Promise<void> {
    const gitDir = path.join(this.dir, ".git");
    await writeFile(path.join(gitDir, "config"), this.#gitConfig);
    await rm(path.join(gitDir, "info", "attributes"), { force: true });
  }

  async readFile(file: string): Promise<string> {
    return readFile(await resolveInside(this.dir, file), "utf8");
  }

  async writeFile(file: string, content: string): Promise<void> {
    const target = await resolveInside(this.dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }

  async exists(file: string): Promise<boolean> {
    try {
      await stat(await resolveInside(this.dir, file));
      return true;
    } catch {
      return false;
    }
  }

  async listFiles(): Promise<string[]> {
    await this.#restoreGitDir();
    const out = await this.#git.raw([
      "ls-files",
      "--cached",
      "--others",
      "--exclude-standard",
      "-z",
    ]);
    return [...new Set(out.split("\0").filter(Boolean))].sort();
  }

  async search(pattern: string, options: { maxResults?: number } = {}): Promise<SearchHit[]> {
    await this.#restoreGitDir();
    const max = options.maxResults ?? 200;
    let out: string;
    try {
      out = await this.#git.raw([
        "grep",
        "-n",
        "-I",
        "--untracked",
        "--no-color",
        "-E",
        "-e",
        pattern,
      ]);
    } catch {
      return []; // git grep exits 1 when nothing matches
    }
    const hits: SearchHit[] = [];
    for (const line of out.split("\n")) {
      const m = /^(.*?):(\d+):(.*)$/.exec(line);
      if (!m) continue;
      hits.push({ path: m[1]!, line: Number(m[2]), text: m[3]!.slice(0, 400) });
      if (hits.length >= max) break;
    }
    return hits;
  }

  async changedFiles(): Promise<string[]> {
    await this.#restoreGitDir();
    await this.#git.raw(["add", "-A"]);
    const out = await this.#git.raw([
      "diff",
      "--cached",
      "--no-ext-diff",
      "--name-only",
      "-z",
      this.baseSha,
    ]);
    return out.split("\0").filter(Boolean).sort();
  }

  async diff(): Promise<string> {
    await this.#restoreGitDir();
    await this.#git.raw(["add", "-A"]);
    return this.#git.raw([
      "diff",
      "--cached",
      "--no-color",
      "--no-ext-diff",
      "--no-textconv",
      this.baseSha,
    ]);
  }

  async discardChanges(paths: string[]): Promise<void> {
    await this.#restoreGitDir();
    for (const file of paths) {
      const target = await resolveInside(this.dir, file);
      const inBase = await this.#git
        .raw(["cat-file", "-e", `${this.baseSha}:${file}`])
        .then(() => true)
        .catch(() => false);
      if (inBase) await this.#git.raw(["checkout", this.baseSha, "--", file]);
      else await rm(target, { force: true });
    }
    await this.#git.raw(["add", "-A"]);
  }

  async commit(
    message: string,
    author: { name: string; email: string },
  ): Promise<string | undefined> {
    await this.#restoreGitDir();
    await this.#git.raw(["add", "-A"]);
    const staged = await this.#git.raw(["diff", "--cached", "--name-only"]);
    if (staged.trim() === "") return undefined;
    await this.#git
      .env({
        ...this.#env,
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
      })
      .raw(["commit", "--no-verify", "-q", "-m", message]);
    this.#git.env(this.#env);
    return this.headSha();
  }

  async push(options: Parameters<Checkout["push"]>[0] = {}): Promise<void> {
    const token = options.token ?? this.#token;
    await this.#restoreGitDir();
    const args = ["push", "--no-verify", "origin", `HEAD:refs/heads/${this.branch}`];
    if (options.force) args.splice(1, 0, "--force-with-lease");
    try {
      try {
        await this.#git.env({ ...this.#env, ...gitAuthEnv(token) }).raw(args);
      } catch (error) {
        if (
          !options.mergeIfMoved ||
          !/\[rejected\]|non-fast-forward|fetch first/i.test(String(error))
        )
          throw error;
        await this.#mergeRemoteBranch(options.mergeIfMoved);
        await this.#git.env({ ...this.#env, ...gitAuthEnv(token) }).raw(args);
      }
    } catch (error) {
      if (error instanceof RemoteError) throw error;
      throw new RemoteError(redactToken(`git push failed: ${(error as Error).message}`, token), {
        isRetryable: true,
        phase: "publish",
        userMessage:
          "Pushing the branch failed. Check that the app may write to this repository's contents and that the branch is not protected against the app, then comment `/generate` again.",
      });
    } finally {
      this.#git.env(this.#env);
    }
  }

  /** Someone pushed while the job ran: take their commits in with a clean merge, or stop. */
  async #mergeRemoteBranch(mergeIfMoved: {
    author: { name: string; email: string };
    message: string;
  }): Promise<void> {
    const fetched = `refs/patchsmith/remote-${Date.now()}`;
    await this.#git
      .env({ ...this.#env, ...gitAuthEnv(this.#token) })
      .raw(["fetch", "--quiet", "origin", `+refs/heads/${this.branch}:${fetched}`]);
    this.#git.env(this.#env);
    const merged = await mergeClean(
      this.#git,
      this.#env,
      fetched,
      mergeIfMoved.author,
      mergeIfMoved.message,
    );
    if (merged.status === "conflict") {
      throw new RemoteError(`the branch moved during the job and conflicts`, {
        phase: "publish",
        userMessage: `Someone pushed to \`${this.branch}\` while this run worked, and their commits conflict with its changes (${merged.files.map((f) => `\`${f}\``).join(", ") || "files git did not name"}). Nothing was pushed; ask again once the branch is settled.`,
      });
    }
  }

  async headSha(): Promise<string> {
    return (await this.#git.revparse(["HEAD"])).trim();
  }

  async recentCommits(max: number): Promise<CommitInfo[]> {
    await this.#restoreGitDir();
    // NUL between fields and RS between commits: messages hold newlines.
    const out = await this.#git.raw([
      "log",
      "--first-parent",
      `--max-count=${max}`,
      "--format=%H%x00%an%x00%B%x1e",
      "HEAD",
    ]);
    return out
      .split("\x1e")
      .map((entry) => entry.replace(/^\n+/, ""))
      .filter(Boolean)
      .map((entry) => {
        const [sha = "", authorName = "", message = ""] = entry.split("\0");
        return { sha, authorName, message: message.trim() };
      });
  }

  async revertCommits(
    shas: string[],
    message: string,
    author: { name: string; email: string },
  ): Promise<string> {
    await this.#restoreGitDir();
    try {
      await this.#git.raw(["revert", "--no-commit", "--no-edit", ...shas]);
    } catch (error) {
      await this.#git.raw(["revert", "--abort"]).catch(() => undefined);
      await this.#git.raw(["reset", "--hard", "-q", "HEAD"]).catch(() => undefined);
      throw new PatchsmithError(`git revert failed: ${(error as Error).message}`, {
        userMessage:
          "The bot's last round does not revert cleanly (later commits changed the same lines). Revert it by hand.",
      });
    }
    const sha = await this.commit(message, author);
    if (sha === undefined) {
      throw new PatchsmithError("git revert produced no change", {
        userMessage: "Reverting the bot's last round changes nothing: it was already undone.",
      });
    }
    return sha;
  }

  async dispose(): Promise<void> {
    await rm(this.#disposeDir, { recursive: true, force: true });
  }
}
