/** Real git repositories in temp dirs for the context tests. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface FixtureRepo {
  dir: string;
  sha: string;
  cleanup(): void;
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Test",
      GIT_AUTHOR_EMAIL: "test@example.com",
      GIT_COMMITTER_NAME: "Test",
      GIT_COMMITTER_EMAIL: "test@example.com",
    },
  }).trim();
}

/** Writes `files` (path -> text or bytes), commits them all, and leaves `untracked` uncommitted. */
export function makeRepo(
  files: Record<string, string | Buffer>,
  untracked: Record<string, string> = {},
): FixtureRepo {
  const dir = mkdtempSync(path.join(tmpdir(), "patchsmith-context-"));
  const write = (entries: Record<string, string | Buffer>) => {
    for (const [file, content] of Object.entries(entries)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content);
    }
  };
  write(files);
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "fixture");
  write(untracked);
  return {
    dir,
    sha: git(dir, "rev-parse", "HEAD"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
