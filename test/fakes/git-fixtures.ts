/** Real git repositories in temporary folders, for tests. */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export const TEST_GIT_ENV = {
  GIT_AUTHOR_NAME: "Test Author",
  GIT_AUTHOR_EMAIL: "author@example.com",
  GIT_COMMITTER_NAME: "Test Author",
  GIT_COMMITTER_EMAIL: "author@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...TEST_GIT_ENV },
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

export async function tempDir(prefix = "patchsmith-test-"): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** A working repository on branch main with one commit holding `files`. */
export async function makeRepo(files: Record<string, string>, dir?: string): Promise<string> {
  const root = dir ?? (await tempDir("patchsmith-repo-"));
  await mkdir(root, { recursive: true });
  git(root, "init", "-q", "-b", "main");
  await writeFiles(root, files);
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "initial");
  return root;
}

/**
 * A bare repository at <base>/<owner>/<name>.git, as GIT_BASE_URL=<base> expects,
 * made from `files`. Returns the base folder and the bare repository's path.
 */
export async function makeRemote(
  owner: string,
  name: string,
  files: Record<string, string>,
): Promise<{ base: string; bare: string; cleanup: () => Promise<void> }> {
  const base = await tempDir("patchsmith-remote-");
  const work = await makeRepo(files, path.join(base, "_work"));
  const bare = path.join(base, owner, `${name}.git`);
  await mkdir(path.dirname(bare), { recursive: true });
  git(base, "clone", "-q", "--bare", work, bare);
  await rm(work, { recursive: true, force: true });
  return { base, bare, cleanup: () => rm(base, { recursive: true, force: true }) };
}

/** The content of `file` on `branch` of a (bare) repository, or undefined. */
export function showFile(repoDir: string, branch: string, file: string): string | undefined {
  try {
    return execFileSync(
      "git",
      [
        "--git-dir",
        repoDir.endsWith(".git") ? repoDir : path.join(repoDir, ".git"),
        "show",
        `${branch}:${file}`,
      ],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
  } catch {
    return undefined;
  }
}
