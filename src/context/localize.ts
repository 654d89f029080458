/**
 * Which files of a checkout an issue is about, best first. Builds (or loads, per commit) the
 * ranking corpus, scores every file, and lets each chosen source file bring its tests along
 * right after it. `patchsmith localize` prints this list.
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { createHash } from "node:crypto";
import type { RankedFile } from "../core/index.js";
import { listInventory, readInventoryFile, type InventoryFile } from "./inventory.js";
import { SOURCE_LANGUAGES } from "./languages.js";
import {
  buildCorpus,
  corpusFromJSON,
  corpusToJSON,
  CORPUS_VERSION,
  scoreCorpus,
  readHistory,
  TestIndex,
  type Corpus,
  type CorpusFile,
  type CorpusSnapshot,
  type RankWeights,
  DEFAULT_WEIGHTS,
} from "./rank/index.js";

const execFileAsync = promisify(execFile);

export interface LocalizeInput {
  dir: string;
  query: string;
  /** How many files to return (default 20). */
  top?: number;
  /** Add `reasons` to each file. */
  explain?: boolean;
  /** Where to keep the per-commit ranking index; no caching without it. */
  cacheDir?: string;
  /** The files to rank; default: the repository inventory. */
  files?: InventoryFile[];
  /** Override ranking weights (the benchmark tunes with this). */
  weights?: Partial<RankWeights>;
}

const READ_CONCURRENCY = 32;
/** Tests that follow one chosen source file. */
const TESTS_PER_SOURCE = 2;

export async function readCorpusFiles(
  dir: string,
  files: readonly InventoryFile[],
): Promise<CorpusFile[]> {
  const out: CorpusFile[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const file = files[i]!;
      let content = "";
      try {
        content = await readInventoryFile(dir, file.path);
      } catch {
        // A file that vanished or points outside the checkout is ranked on its path alone.
      }
      out[i] = { path: file.path, language: file.language, content };
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
  return out;
}

async function headCommit(dir: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync("git", ["rev-parse", "HEAD"], { cwd: dir });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

async function loadCorpus(input: LocalizeInput): Promise<Corpus> {
  const sha = input.cacheDir ? await headCommit(input.dir) : undefined;
  const key = sha
    ? createHash("sha256")
        .update(
          `${CORPUS_VERSION}\0${sha}\0${input.files ? input.files.map((f) => f.path).join("\0") : "inventory"}`,
        )
        .digest("hex")
        .slice(0, 24)
    : undefined;
  const cacheFile =
    key && input.cacheDir ? path.join(input.cacheDir, "rank", `${key}.json`) : undefined;
  if (cacheFile) {
    try {
      const cached = corpusFromJSON(
        JSON.parse(await readFile(cacheFile, "utf8")) as CorpusSnapshot,
      );
      if (cached) return cached;
    } catch {
      // No cache yet, or a damaged one: build it again.
    }
  }
  const files = input.files ?? (await listInventory(input.dir));
  const corpus = buildCorpus(await readCorpusFiles(input.dir, files));
  corpus.history = await readHistory(input.dir, corpus.paths);
  if (cacheFile) {
    await mkdir(path.dirname(cacheFile), { recursive: true });
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(corpusToJSON(corpus)));
    await rename(temporary, cacheFile);
  }
  return corpus;
}

const testIndexes = new WeakMap<readonly string[], TestIndex>();

export function rankCorpus(
  corpus: Corpus,
  query: string,
  top: number,
  explain: boolean,
  weights: RankWeights = DEFAULT_WEIGHTS,
): RankedFile[] {
  const scored = scoreCorpus(
    corpus,
    query,
    (language) => SOURCE_LANGUAGES.has(language),
    weights,
    explain ? top : 0,
  );
  let tests = testIndexes.get(corpus.paths);
  if (!tests) {
    tests = new TestIndex(corpus.paths);
    testIndexes.set(corpus.paths, tests);
  }
  const out: RankedFile[] = [];
  const emitted = new Set<string>();
  const emit = (filePath: string, score: number, reasons: string[]) => {
    if (emitted.has(filePath) || out.length >= top) return;
    emitted.add(filePath);
    out.push(explain ? { path: filePath, score, reasons } : { path: filePath, score });
  };
  for (const entry of scored) {
    if (out.length >= top) break;
    const filePath = corpus.paths[entry.doc]!;
    // A test file takes a place of its own only when the issue names it; otherwise it follows its source.
    if (entry.test && !entry.mentioned) continue;
    const score = Number(entry.score.toFixed(6));
    emit(filePath, score, entry.reasons);
    if (entry.test) continue;
    for (const test of tests.testsFor(filePath).slice(0, TESTS_PER_SOURCE)) {
      // Same score as its source, so the list stays sorted best first.
      emit(test, score, [`test of ${filePath}`]);
    }
  }
  return out;
}

export async function localize(input: LocalizeInput): Promise<RankedFile[]> {
  const corpus = await loadCorpus(input);
  const weights = { ...DEFAULT_WEIGHTS, ...input.weights };
  return rankCorpus(corpus, input.query, input.top ?? 20, input.explain ?? false, weights);
}
