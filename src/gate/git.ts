/** git for the gate's own bookkeeping (diffs, base file contents, worktrees); never repository code. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const exec = promisify(execFile);

// A fixed environment: patchsmith may run inside a git hook, where an inherited GIT_DIR or
// GIT_INDEX_FILE would point these commands at the wrong repository.

export async function git(dir: string, args: string[]): Promise<string> {
  const { stdout } = await exec("git", ["-c", "core.quotePath=false", ...args], {
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      PATH: "/usr/local/bin:/usr/bin:/bin:/opt/homebrew/bin",
      GIT_TERMINAL_PROMPT: "0",
      LANG: "C.UTF-8",
    },
  });
  return stdout;
}

/** The file's content at a commit, or undefined when it did not exist there. */
export async function showAt(dir: string, sha: string, file: string): Promise<string | undefined> {
  try {
    return await git(dir, ["show", `${sha}:${file}`]);
  } catch {
    return undefined;
  }
}
