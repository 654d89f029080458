/** The change under review: which files, with which status, and the added lines with numbers. */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { git } from "./git.js";

export interface AddedLine {
  line: number;
  text: string;
}

export interface FileChange {
  path: string;
  status: "added" | "modified" | "deleted" | "renamed";
  oldPath?: string;
  added: AddedLine[];
  removedCount: number;
}

export interface DiffInfo {
  files: FileChange[];
  get(file: string): FileChange | undefined;
  /** Line numbers added or changed in the new version of `file`. */
  changedLines(file: string): Set<number>;
  totalAdded: number;
  totalRemoved: number;
}

const MAX_UNTRACKED_BYTES = 1024 * 1024;

export function makeDiffInfo(files: FileChange[]): DiffInfo {
  const byPath = new Map(files.map((f) => [f.path, f]));
  return {
    files,
    get: (file) => byPath.get(file),
    changedLines: (file) => new Set((byPath.get(file)?.added ?? []).map((a) => a.line)),
    totalAdded: files.reduce((n, f) => n + f.added.length, 0),
    totalRemoved: files.reduce((n, f) => n + f.removedCount, 0),
  };
}

/** Parses `git diff -U0` output. */
export function parseUnifiedDiff(patch: string): FileChange[] {
  const files: FileChange[] = [];
  let current: FileChange | undefined;
  let nextLine = 0;
  let inHunk = false;
  for (const line of patch.split("\n")) {
    if (line.startsWith("diff --git ")) {
      current = { path: "", status: "modified", added: [], removedCount: 0 };
      files.push(current);
      inHunk = false;
      continue;
    }
    if (!current) continue;
    if (line.startsWith("@@")) {
      inHunk = true;
      const match = /\+(\d+)/.exec(line);
      nextLine = match ? Number(match[1]) : 0;
    } else if (inHunk) {
      // Inside a hunk a removed "-- x" reads "--- x": only the hunk state tells it from a header.
      if (line.startsWith("+")) current.added.push({ line: nextLine++, text: line.slice(1) });
      else if (line.startsWith("-")) current.removedCount++;
    } else if (line.startsWith("new file mode")) current.status = "added";
    else if (line.startsWith("deleted file mode")) current.status = "deleted";
    else if (line.startsWith("rename from ")) {
      current.status = "renamed";
      current.oldPath = line.slice("rename from ".length);
    } else if (line.startsWith("rename to ")) current.path = line.slice("rename to ".length);
    else if (line.startsWith("--- ")) {
      if (line !== "--- /dev/null" && !current.path) current.path = line.slice(6);
    } else if (line.startsWith("+++ ")) {
      if (line !== "+++ /dev/null") current.path = line.slice(6);
    } else if (line.startsWith("Binary files ")) {
      const match = / and (?:b\/(.+)|\/dev\/null) differ$/.exec(line);
      const old = /^Binary files a\/(.+?) and /.exec(line);
      current.path ||= match?.[1] ?? old?.[1] ?? "";
    }
  }
  // A deleted file has only a "--- a/path" header; a pure rename has neither header.
  return files.filter((f) => f.path !== "");
}

async function untrackedChanges(dir: string): Promise<FileChange[]> {
  const listing = await git(dir, ["ls-files", "--others", "--exclude-standard", "-z"]);
  const changes: FileChange[] = [];
  for (const file of listing.split("\0").filter(Boolean)) {
    const change: FileChange = { path: file, status: "added", added: [], removedCount: 0 };
    try {
      const info = await stat(path.join(dir, file));
      if (info.isFile() && info.size <= MAX_UNTRACKED_BYTES) {
        const content = await readFile(path.join(dir, file), "utf8");
        if (!content.includes("\0")) {
          const lines = content.split("\n");
          if (lines[lines.length - 1] === "") lines.pop();
          change.added = lines.map((text, i) => ({ line: i + 1, text }));
        }
      }
    } catch {
      // vanished or unreadable: still a changed path
    }
    changes.push(change);
  }
  return changes;
}

/** The working tree of `dir` (committed and uncommitted changes, untracked files) against `baseSha`. */
export async function diffAgainst(dir: string, baseSha: string): Promise<DiffInfo> {
  const patch = await git(dir, [
    "diff",
    "--no-color",
    "--no-ext-diff",
    "-U0",
    "--find-renames",
    baseSha,
    "--",
  ]);
  const tracked = parseUnifiedDiff(patch);
  const seen = new Set(tracked.map((f) => f.path));
  const untracked = (await untrackedChanges(dir)).filter((f) => !seen.has(f.path));
  return makeDiffInfo([...tracked, ...untracked]);
}
