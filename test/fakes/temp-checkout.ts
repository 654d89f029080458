/**
 * A Checkout over a temporary git repository, for stage tests that must not depend on the real
 * workspace adapter. Files given to `createTempCheckout` are committed as the base commit.
 * Paths are kept inside the directory with a simple check; the stage under test does its own.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Checkout, CommandRunner, SearchHit } from "../../src/core/index.js";

const run = promisify(execFile);

async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", args, {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dir,
      GIT_CONFIG_NOSYSTEM: "1",
      LANG: "C",
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

function inside(dir: string, file: string): string {
  const target = path.resolve(dir, file.replace(/^\/+/, ""));
  const rel = path.relative(dir, target);
  if (rel.startsWith("..") || path.isAbsolute(rel))
    throw new Error(`TempCheckout: ${file} is outside the checkout`);
  return target;
}

const noRunner: CommandRunner = {
  async run() {
    throw new Error("TempCheckout has no command runner");
  },
};

export interface TempCheckout extends Checkout {
  /** Reads a file straight from disk, for assertions. */
  read(file: string): Promise<string>;
}

export async function createTempCheckout(
  files: Record<string, string> = {},
): Promise<TempCheckout> {
  const dir = await mkdtemp(path.join(tmpdir(), "patchsmith-checkout-"));
  await git(dir, "init", "-q", "-b", "main");
  await git(dir, "config", "user.name", "Test");
  await git(dir, "config", "user.email", "test@example.com");
  await git(dir, "config", "commit.gpgsign", "false");
  for (const [file, content] of Object.entries({ "README.md": "# fixture\n", ...files })) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  await git(dir, "add", "-A");
  await git(dir, "commit", "-q", "-m", "base");
  const baseSha = (await git(dir, "rev-parse", "HEAD")).trim();

  const checkout: TempCheckout = {
    dir,
    baseSha,
    branch: "main",
    runner: noRunner,
    read: (file) => readFile(path.join(dir, file), "utf8"),
    readFile: (file) => readFile(inside(dir, file), "utf8"),
    async writeFile(file, content) {
      const target = inside(dir, file);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    },
    async exists(file) {
      try {
        await readFile(inside(dir, file));
        return true;
      } catch {
        return false;
      }
    },
    async listFiles() {
      const out = await git(dir, "ls-files", "--cached", "--others", "--exclude-standard", "-z");
      return out.split("\0").filter(Boolean).sort();
    },
    async search(pattern, options = {}) {
      const hits: SearchHit[] = [];
      for (const file of await checkout.listFiles()) {
        const lines = (await readFile(path.join(dir, file), "utf8")).split("\n");
        lines.forEach((text, i) => {
          if (text.includes(pattern)) hits.push({ path: file, line: i + 1, text });
        });
      }
      return hits.slice(0, options.maxResults ?? 200);
    },
    async changedFiles() {
      const out = await git(dir, "status", "--porcelain", "-z", "--untracked-files=all");
      return out
        .split("\0")
        .filter(Boolean)
        .map((entry) => entry.slice(3))
        .sort();
    },
    async diff() {
      await git(dir, "add", "-A", "-N");
      return git(dir, "diff", baseSha);
    },
    async discardChanges(paths) {
      for (const file of paths) {
        await git(dir, "checkout", baseSha, "--", file).catch(() =>
          rm(inside(dir, file), { force: true }),
        );
      }
    },
    async commit(message, author) {
      await git(dir, "add", "-A");
      if ((await git(dir, "status", "--porcelain")).trim() === "") return undefined;
      await git(
        dir,
        "-c",
        `user.name=${author.name}`,
        "-c",
        `user.email=${author.email}`,
        "commit",
        "-q",
        "-m",
        message,
      );
      return (await git(dir, "rev-parse", "HEAD")).trim();
    },
    async push() {},
    async headSha() {
      return (await git(dir, "rev-parse", "HEAD")).trim();
    },
    async recentCommits(max) {
      const out = await git(
        dir,
        "log",
        "--first-parent",
        `--max-count=${max}`,
        "--format=%H%x00%an%x00%B%x1e",
      );
      return out
        .split("\x1e")
        .map((entry) => entry.replace(/^\n+/, ""))
        .filter(Boolean)
        .map((entry) => {
          const [sha = "", authorName = "", message = ""] = entry.split("\0");
          return { sha, authorName, message: message.trim() };
        });
    },
    async revertCommits(shas, message, author) {
      await git(dir, "revert", "--no-commit", "--no-edit", ...shas);
      const sha = await checkout.commit(message, author);
      if (!sha) throw new Error("TempCheckout: the revert changed nothing");
      return sha;
    },
    async dispose() {
      await rm(dir, { recursive: true, force: true });
    },
  };
  return checkout;
}
