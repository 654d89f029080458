/**
 * Second stage: reorder the first few candidates by a linear model over signals the first stage
 * already computed. The first stage adds its signals with hand-set weights; which of them should
 * decide between the top few is a different question, answered by a listwise (softmax)
 * logistic regression fitted on the development set (one half fitted, the other half checked,
 * see docs/context-analysis.md). Only the head is reordered, so the set of the first
 * `RERANK_DEPTH` files (and acc@k for k >= that depth) never changes.
 */

/** How many of the best non-test files the second stage may reorder. */
export const RERANK_DEPTH = 5;

export interface RerankFeatures {
  /** First-stage score over the best candidate's. */
  score: number;
  /** Lexical (path, definitions, body) average, 0..1. */
  lexical: number;
  mentions: number;
  graph: number;
  history: number;
  /** Weighted title-vs-path signal as the first stage added it. */
  titlePath: number;
  /** A stack frame of the issue points at the file. */
  frame: number;
  /** The issue names the file (its path or file name). */
  named: number;
  /** The issue names a dotted module that resolves to the file. */
  module: number;
  /** Every word of the file name is in the title. */
  titleStem: number;
  /** Share of the path's words that are in the title. */
  titlePathShare: number;
  /** The first stage discounted it as non-source or a vendored copy. */
  nonSource: number;
  /** 1 / (first-stage position + 1). */
  reciprocalRank: number;
}

/**
 * Fitted on all 106 SWE-bench rows (softmax over each row's head, L2 1, 3000 gradient steps).
 * The two half-fits agree in sign on the large weights (score, lexical, graph, history, module,
 * titleStem, nonSource, reciprocalRank); the small ones (mentions, titlePath, titlePathShare)
 * flip between halves and matter little. Rounded to 2 places.
 */
export const RERANK_COEFFICIENTS: RerankFeatures = {
  score: 1.44,
  lexical: 1.54,
  mentions: 0.09,
  graph: 0.96,
  history: 0.33,
  titlePath: -0.27,
  frame: 0.23,
  named: 0.19,
  module: -1.03,
  titleStem: 0.59,
  titlePathShare: -0.09,
  nonSource: -0.69,
  reciprocalRank: 0.8,
};

export function rerankScore(
  features: RerankFeatures,
  coefficients: RerankFeatures = RERANK_COEFFICIENTS,
): number {
  let sum = 0;
  for (const key of Object.keys(coefficients) as (keyof RerankFeatures)[])
    sum += coefficients[key] * features[key];
  return sum;
}

/**
 * The order in which to put the head's candidates: indices into `head`, best first. Ties keep the
 * first stage's order.
 */
export function rerankOrder(
  head: readonly RerankFeatures[],
  coefficients: RerankFeatures = RERANK_COEFFICIENTS,
): number[] {
  const scores = head.map((features) => rerankScore(features, coefficients));
  return head.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
}
