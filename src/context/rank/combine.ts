/**
 * One score per file from the separate signals: lexical (BM25 over path, defined names and body),
 * explicit mentions, and closeness in the import graph; then priors that keep tests, docs and
 * examples below the code an issue is about. Weights are set on the development sets as a whole.
 */
import type { Corpus } from "./corpus.js";
import { personalizedPageRank } from "./graph.js";
import { historyScores } from "./history.js";
import { lexicalQuery } from "./query.js";
import { findMentions } from "./mentions.js";
import { isTestFile } from "./tests-for.js";
import { pathTerms, splitIdentifier, stem, tokenize } from "./tokenize.js";
import { RERANK_DEPTH, rerankOrder, type RerankFeatures } from "./rerank.js";

export interface RankWeights {
  path: number;
  definitions: number;
  body: number;
  mentions: number;
  graph: number;
  /** Files changed by past commits whose messages read like the issue. */
  history: number;
  /** How many best-matching past commits vote, and how much a closer match counts over a looser one. */
  historyVoters: number;
  historySharpness: number;
  /** The title's terms matched against paths only. */
  titlePath: number;
  /** How much a file's number of definitions discounts "defines X" mentions. */
  definitionLengthNorm: number;
  /** How much a file's overall change count discounts its history votes. */
  historyDiscount: number;
  /** BM25 parameters of the body field. */
  bodyK1: number;
  bodyB: number;
  /** Multipliers for files that are rarely what an issue needs changed. */
  testPrior: number;
  docPrior: number;
  nonSourcePrior: number;
  /** Prior of a source file in a language the repository barely uses. */
  minorLanguageFloor: number;
  /** Extra copies of the title's terms in the lexical query. */
  titleRepeat: number;
  /** Multiplier for a library copied in under a versioned file name. */
  vendoredPrior: number;
  /** Reorder the first non-test files by the second-stage model (0: off, 1: on). */
  rerank: number;
}

export const DEFAULT_WEIGHTS: RankWeights = {
  path: 1,
  definitions: 1,
  body: 1,
  mentions: 1,
  graph: 0.5,
  history: 1,
  historyVoters: 25,
  historySharpness: 1,
  historyDiscount: 0,
  definitionLengthNorm: 0,
  titlePath: 0.6,
  bodyK1: 1.2,
  bodyB: 0.75,
  testPrior: 0.5,
  docPrior: 0.5,
  nonSourcePrior: 0.3,
  minorLanguageFloor: 0.4,
  titleRepeat: 3,
  vendoredPrior: 0.2,
  rerank: 1,
};

export interface ScoredDoc {
  doc: number;
  score: number;
  reasons: string[];
  test: boolean;
  /** The issue names this file (path, module, frame or a name it defines). */
  mentioned: boolean;
}

/** `jquery-3.6.0.js`, `underscore-1.13.1.min.js`: a library copied in, not the project's code. */
const VERSIONED_COPY = /[-_.]v?\d+\.\d+(\.\d+)?[^/]*\.\w+$/;
const DOC_DIRS =
  /(^|\/)(docs?|examples?|samples?|demos?|benchmarks?|bench|scripts|playground|tutorials?)\//;

const testFlagCache = new WeakMap<readonly string[], Uint8Array>();

/** isTestFile for every path, once per corpus: a warm worker ranks many issues on one index. */
function testFlagsOf(paths: readonly string[]): Uint8Array {
  let flags = testFlagCache.get(paths);
  if (!flags) {
    flags = Uint8Array.from(paths, (file) => (isTestFile(file) ? 1 : 0));
    testFlagCache.set(paths, flags);
  }
  return flags;
}

function normalize(scores: Float64Array): Float64Array {
  let max = 0;
  for (const value of scores) if (value > max) max = value;
  if (max <= 0) return scores;
  return scores.map((value) => value / max);
}

export function scoreCorpus(
  corpus: Corpus,
  query: string,
  isSource: (language: string) => boolean,
  weights: RankWeights = DEFAULT_WEIGHTS,
  /** How many of the best files get a breakdown of their signals in `reasons` (0: none). */
  explain = 0,
): ScoredDoc[] {
  const n = corpus.paths.length;
  // The title (first line) says what the issue is about; the body adds detail and noise.
  const title = query.trimStart().split("\n", 1)[0] ?? "";
  const titleTerms = tokenize(title);
  const terms = [...tokenize(lexicalQuery(query))];
  for (let i = 0; i < weights.titleRepeat; i++) terms.push(...titleTerms);
  const pathScores = normalize(corpus.pathIndex.score(terms));
  const definitionScores = normalize(corpus.definitionIndex.score(terms));
  const bodyScores = normalize(
    corpus.bodyIndex.score(terms, { k1: weights.bodyK1, b: weights.bodyB }),
  );

  const mentionSums = new Float64Array(n);
  // Sparse: only the files something points at get a list, so a 30,000-file repo does not allocate 30,000.
  const reasons = new Map<number, string[]>();
  const maxIdf = Math.log(1 + (n + 0.5) / 0.5);
  const rarity = (name: string) => {
    const parts = splitIdentifier(name);
    const term = parts.length > 1 ? parts.join("_") : stem(parts[0] ?? "");
    return corpus.bodyIndex.idf(term) / maxIdf;
  };
  for (const hit of findMentions(query, {
    paths: corpus.paths,
    definers: corpus.definers,
    rarity,
  })) {
    // A file defining hundreds of names matches some name in most issues; discount like BM25 does length.
    const isDefinition = hit.reason.startsWith("defines");
    const relative =
      corpus.definitionIndex.lengthOf(hit.doc) / (corpus.definitionIndex.averageLength || 1);
    const lengthNorm = isDefinition
      ? 1 / (1 + weights.definitionLengthNorm * Math.log1p(relative))
      : 1;
    mentionSums[hit.doc]! += hit.weight * lengthNorm;
    let list = reasons.get(hit.doc);
    if (!list) reasons.set(hit.doc, (list = []));
    if (list.length < 6 && !list.includes(hit.reason)) list.push(hit.reason);
  }

  // The title against file paths alone: "linkcheck ignores anchors" is about linkcheck.py.
  // Only when a body dilutes the title: for a one-line query the lexical score already is the title's.
  const bodyShare =
    terms.length > 0 ? 1 - (titleTerms.length * (1 + weights.titleRepeat)) / terms.length : 0;
  const titlePathWeight = weights.titlePath * Math.max(0, bodyShare);
  const titlePath = normalize(corpus.pathIndex.score(titleTerms));
  const lexical = new Float64Array(n);
  const lexicalTotal = weights.path + weights.definitions + weights.body;
  for (let doc = 0; doc < n; doc++) {
    lexical[doc] =
      (weights.path * pathScores[doc]! +
        weights.definitions * definitionScores[doc]! +
        weights.body * bodyScores[doc]!) /
      lexicalTotal;
  }
  const mentions = mentionSums.map((sum) => 1 - Math.exp(-sum));
  const history = corpus.history
    ? historyScores(
        corpus.history,
        query,
        n,
        weights.historyVoters,
        weights.historySharpness,
        weights.historyDiscount,
      )
    : new Float64Array(n);

  const seed = new Float64Array(n);
  for (let doc = 0; doc < n; doc++) seed[doc] = lexical[doc]! ** 4 + mentions[doc]!;
  const graph = normalize(personalizedPageRank(corpus.edges, seed));

  // Files in a language the repository hardly uses (a bundled jquery.js in a Python project) are
  // seldom what an issue is about, however many of its words they contain.
  const languageCounts = new Map<string, number>();
  for (const language of corpus.languages)
    languageCounts.set(language, (languageCounts.get(language) ?? 0) + 1);
  let mainCount = 1;
  for (const [language, count] of languageCounts)
    if (isSource(language)) mainCount = Math.max(mainCount, count);
  const languagePrior = (language: string) =>
    Math.min(1, weights.minorLanguageFloor + 3 * ((languageCounts.get(language) ?? 0) / mainCount));

  const testFlags = testFlagsOf(corpus.paths);
  const priors = new Map<number, number>();
  const scored: ScoredDoc[] = [];
  for (let doc = 0; doc < n; doc++) {
    let score =
      lexical[doc]! +
      weights.mentions * mentions[doc]! +
      weights.graph * graph[doc]! +
      weights.history * history[doc]! +
      titlePathWeight * titlePath[doc]!;
    if (score <= 0) continue;
    const filePath = corpus.paths[doc]!;
    const test = testFlags[doc] === 1;
    if (test) score *= weights.testPrior;
    else if (VERSIONED_COPY.test(filePath)) score *= weights.vendoredPrior;
    else if (DOC_DIRS.test(filePath)) score *= weights.docPrior;
    const language = corpus.languages[doc]!;
    score *= isSource(language) ? languagePrior(language) : weights.nonSourcePrior;
    priors.set(doc, score);
    scored.push({
      doc,
      score,
      reasons: reasons.get(doc) ?? [],
      test,
      mentioned: mentions[doc]! > 0,
    });
  }
  scored.sort((a, b) => b.score - a.score || a.doc - b.doc);
  if (weights.rerank > 0) {
    // The head as localize shows it: tests the issue does not name follow their source instead.
    const slots: number[] = [];
    for (let i = 0; i < scored.length && slots.length < RERANK_DEPTH; i++)
      if (!scored[i]!.test) slots.push(i);
    const best = scored[slots[0] ?? 0]?.score || 1;
    const titleSet = new Set(titleTerms);
    const features = slots.map((slot, position): RerankFeatures => {
      const entry = scored[slot]!;
      const doc = entry.doc;
      const filePath = corpus.paths[doc]!;
      const raw =
        lexical[doc]! +
        weights.mentions * mentions[doc]! +
        weights.graph * graph[doc]! +
        weights.history * history[doc]! +
        titlePathWeight * titlePath[doc]!;
      const prior = raw > 0 ? (priors.get(doc) ?? 0) / raw : 1;
      const name = (filePath.split("/").at(-1) ?? "").replace(/\.\w+$/, "");
      const nameTerms = tokenize(name);
      const allTerms = pathTerms(filePath);
      const has = (prefix: string) => (entry.reasons.some((r) => r.startsWith(prefix)) ? 1 : 0);
      return {
        score: entry.score / best,
        lexical: lexical[doc]!,
        mentions: mentions[doc]!,
        graph: graph[doc]!,
        history: history[doc]!,
        titlePath: titlePathWeight * titlePath[doc]!,
        frame: has("stack frame"),
        named: has("names "),
        module: has("module "),
        titleStem: nameTerms.length > 0 && nameTerms.every((t) => titleSet.has(t)) ? 1 : 0,
        titlePathShare:
          allTerms.length > 0
            ? allTerms.filter((t) => titleSet.has(t)).length / allTerms.length
            : 0,
        nonSource: prior < 0.35 ? 1 : 0,
        reciprocalRank: 1 / (position + 1),
      };
    });
    const order = rerankOrder(features);
    // Same slots, same (sorted) scores; only which file holds each slot changes.
    const entries = slots.map((slot) => scored[slot]!);
    const scores = entries.map((entry) => entry.score);
    order.forEach((from, to) => {
      scored[slots[to]!] = { ...entries[from]!, score: scores[to]! };
    });
  }
  if (explain) {
    // Only the files that will be shown get the (string-heavy) breakdown.
    for (const entry of scored.slice(0, explain)) {
      const doc = entry.doc;
      entry.reasons = [
        ...entry.reasons,
        `signals: path ${pathScores[doc]!.toFixed(3)}, names ${definitionScores[doc]!.toFixed(3)}, ` +
          `body ${bodyScores[doc]!.toFixed(3)}, mentions ${mentions[doc]!.toFixed(3)}, graph ${graph[doc]!.toFixed(3)}, ` +
          `history ${history[doc]!.toFixed(3)}, title-path ${(titlePathWeight * titlePath[doc]!).toFixed(3)}`,
      ];
    }
  }
  return scored;
}
