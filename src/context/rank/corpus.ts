/**
 * Everything ranking needs to know about a checkout, built once per commit and cached: three
 * BM25 fields (path, defined names, body), who defines which name, and the import graph.
 * The BM25 baseline of the benchmark reads the same files through `baselineIndex`.
 */
import { Bm25Index, type Bm25Snapshot } from "./bm25.js";
import { extractDefinitions, extractImports } from "./definitions.js";
import { buildImportGraph, type Edges } from "./graph.js";
import { historyFromJSON, historyToJSON, type History, type HistorySnapshot } from "./history.js";
import { pathTerms, tokenize } from "./tokenize.js";

export interface CorpusFile {
  path: string;
  language: string;
  content: string;
}

export interface Corpus {
  paths: string[];
  languages: string[];
  pathIndex: Bm25Index;
  definitionIndex: Bm25Index;
  bodyIndex: Bm25Index;
  definers: Map<string, number[]>;
  edges: Edges;
  history?: History;
}

export interface CorpusSnapshot {
  version: number;
  paths: string[];
  languages: string[];
  pathIndex: Bm25Snapshot;
  definitionIndex: Bm25Snapshot;
  bodyIndex: Bm25Snapshot;
  definers: [string, number[]][];
  edges: Edges;
  history?: HistorySnapshot;
}

export const CORPUS_VERSION = 2;

/** Beyond this, a file's body adds cost and little signal (the head names what the file is about). */
const MAX_BODY_CHARS = 200_000;

export function buildCorpus(files: readonly CorpusFile[]): Corpus {
  const pathIndex = new Bm25Index({ b: 0.3 });
  const definitionIndex = new Bm25Index({ b: 0.3 });
  const bodyIndex = new Bm25Index();
  const definers = new Map<string, number[]>();
  const imports: string[][] = [];
  files.forEach((file, doc) => {
    const content =
      file.content.length > MAX_BODY_CHARS ? file.content.slice(0, MAX_BODY_CHARS) : file.content;
    const names = extractDefinitions(content);
    for (const name of names) {
      const list = definers.get(name);
      if (list) list.push(doc);
      else definers.set(name, [doc]);
    }
    pathIndex.add(pathTerms(file.path));
    definitionIndex.add(tokenize(names.join(" ")));
    bodyIndex.add(tokenize(content));
    imports.push(extractImports(content));
  });
  const paths = files.map((file) => file.path);
  return {
    paths,
    languages: files.map((file) => file.language),
    pathIndex,
    definitionIndex,
    bodyIndex,
    definers,
    edges: buildImportGraph(paths, imports),
  };
}

export function corpusToJSON(corpus: Corpus): CorpusSnapshot {
  return {
    version: CORPUS_VERSION,
    paths: corpus.paths,
    languages: corpus.languages,
    pathIndex: corpus.pathIndex.toJSON(),
    definitionIndex: corpus.definitionIndex.toJSON(),
    bodyIndex: corpus.bodyIndex.toJSON(),
    definers: [...corpus.definers],
    edges: corpus.edges,
    ...(corpus.history ? { history: historyToJSON(corpus.history) } : {}),
  };
}

export function corpusFromJSON(snapshot: CorpusSnapshot): Corpus | undefined {
  if (snapshot.version !== CORPUS_VERSION) return undefined;
  return {
    paths: snapshot.paths,
    languages: snapshot.languages,
    pathIndex: Bm25Index.fromJSON(snapshot.pathIndex, { b: 0.3 }),
    definitionIndex: Bm25Index.fromJSON(snapshot.definitionIndex, { b: 0.3 }),
    bodyIndex: Bm25Index.fromJSON(snapshot.bodyIndex),
    definers: new Map(snapshot.definers),
    edges: snapshot.edges,
    ...(snapshot.history ? { history: historyFromJSON(snapshot.history) } : {}),
  };
}

/** Lowercase alphanumeric runs: no stemming, no camelCase split, no stop words. */
export function plainTokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/**
 * BM25 as the benchmark's yardstick: path terms three times, then the body, one field.
 * `plain` (the reference) uses `plainTokenize`; otherwise the ranking's own tokenizer, which
 * shows how much of the gain is tokenization alone. Score it with the matching tokenizer.
 */
export function baselineIndex(
  files: readonly CorpusFile[],
  tokenizer: "plain" | "code" = "plain",
): Bm25Index {
  const words = tokenizer === "plain" ? plainTokenize : tokenize;
  const index = new Bm25Index();
  for (const file of files) {
    const terms = tokenizer === "plain" ? plainTokenize(file.path) : pathTerms(file.path);
    index.add([...terms, ...terms, ...terms, ...words(file.content)]);
  }
  return index;
}
