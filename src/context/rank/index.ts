export { Bm25Index } from "./bm25.js";
export type { Bm25Options, Bm25Snapshot } from "./bm25.js";
export { tokenize, pathTerms, splitIdentifier, stem } from "./tokenize.js";
export { findMentions } from "./mentions.js";
export type { MentionHit, MentionTarget } from "./mentions.js";
export { extractDefinitions, extractImports } from "./definitions.js";
export { buildImportGraph, personalizedPageRank, ModuleResolver, moduleKey } from "./graph.js";
export type { Edges } from "./graph.js";
export {
  buildCorpus,
  baselineIndex,
  plainTokenize,
  corpusToJSON,
  corpusFromJSON,
  CORPUS_VERSION,
} from "./corpus.js";
export type { Corpus, CorpusFile, CorpusSnapshot } from "./corpus.js";
export { scoreCorpus, DEFAULT_WEIGHTS } from "./combine.js";
export type { RankWeights, ScoredDoc } from "./combine.js";
export { isTestFile, testSubject, TestIndex } from "./tests-for.js";
export { rerankOrder, rerankScore, RERANK_COEFFICIENTS, RERANK_DEPTH } from "./rerank.js";
export type { RerankFeatures } from "./rerank.js";
export { readHistory, historyScores, HISTORY_COMMITS } from "./history.js";
export type { History, HistorySnapshot } from "./history.js";
