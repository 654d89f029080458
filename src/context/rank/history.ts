/**
 * What past commits say: a commit whose message reads like the issue most likely touched the
 * files this issue needs. Only the history before the checked-out commit is read, and
 * sweeping commits (renames, formatting) are skipped because they touch everything.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Bm25Index, type Bm25Snapshot } from "./bm25.js";
import { tokenize } from "./tokenize.js";

const execFileAsync = promisify(execFile);

export interface HistorySnapshot {
  messages: Bm25Snapshot;
  /** Per commit, the documents (current files) it changed. */
  files: number[][];
}

export interface History {
  messages: Bm25Index;
  files: number[][];
}

/** Commits read, newest first. Enough to cover years of a busy project at ~0.1 s of git. */
export const HISTORY_COMMITS = 5000;
/** A commit touching more files than this is a sweep, not a fix. */
const MAX_FILES_PER_COMMIT = 12;
/** Commits whose messages best match the issue, that vote for files. */
export const VOTING_COMMITS = 25;

export async function readHistory(dir: string, paths: readonly string[]): Promise<History> {
  const docs = new Map(paths.map((file, doc) => [file, doc]));
  const messages = new Bm25Index();
  const files: number[][] = [];
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(
      "git",
      [
        "log",
        "--no-merges",
        "--no-renames",
        `-n${HISTORY_COMMITS}`,
        "--format=%x00%s%n%b%x01",
        "--name-only",
        "HEAD",
      ],
      { cwd: dir, maxBuffer: 256 * 1024 * 1024 },
    ));
  } catch {
    // No history (a fresh repository, or a tarball): the signal is simply absent.
    return { messages, files };
  }
  for (const record of stdout.split("\0")) {
    const split = record.indexOf("\x01");
    if (split < 0) continue;
    const changed = record
      .slice(split + 1)
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    if (changed.length === 0 || changed.length > MAX_FILES_PER_COMMIT) continue;
    const touched = changed
      .map((file) => docs.get(file))
      .filter((doc): doc is number => doc !== undefined);
    if (touched.length === 0) continue;
    // Issue references like "(fix #123)" say nothing about the code.
    messages.add(tokenize(record.slice(0, split).replace(/#\d+/g, " ")));
    files.push(touched);
  }
  return { messages, files };
}

/** One score per document in [0, 1]: how much the best-matching past commits changed it. */
export function historyScores(
  history: History,
  query: string,
  documentCount: number,
  voters = VOTING_COMMITS,
  sharpness = 1,
  discount = 0,
): Float64Array {
  const scores = new Float64Array(documentCount);
  if (history.files.length === 0) return scores;
  const similarity = history.messages.score(tokenize(query.replace(/#\d+/g, " ")));
  const order = [...similarity.keys()].filter((i) => similarity[i]! > 0);
  order.sort((a, b) => similarity[b]! - similarity[a]!);
  const best = similarity[order[0] ?? 0] ?? 0;
  if (best <= 0) return scores;
  // A file nearly every commit touches (a changelog, setup.py, CI config) wins every vote unless
  // its votes are discounted by how often it changes at all.
  const changes = new Map<number, number>();
  if (discount > 0)
    for (const touched of history.files)
      for (const doc of touched) changes.set(doc, (changes.get(doc) ?? 0) + 1);
  for (const commit of order.slice(0, voters)) {
    const touched = history.files[commit]!;
    const vote = (similarity[commit]! / best) ** sharpness / Math.sqrt(touched.length);
    for (const doc of touched)
      scores[doc]! += vote / (1 + discount * Math.log1p(changes.get(doc) ?? 0));
  }
  let max = 0;
  for (const value of scores) if (value > max) max = value;
  return max > 0 ? scores.map((value) => value / max) : scores;
}

export function historyToJSON(history: History): HistorySnapshot {
  return { messages: history.messages.toJSON(), files: history.files };
}

export function historyFromJSON(snapshot: HistorySnapshot): History {
  return { messages: Bm25Index.fromJSON(snapshot.messages), files: snapshot.files };
}
