/**
 * Okapi BM25 over an inverted index. Documents are term lists; scoring walks only the postings
 * of the query's terms, so ranking 30,000 files for a long issue stays in the milliseconds.
 */

export interface Bm25Options {
  k1?: number;
  b?: number;
}

export interface Bm25Snapshot {
  docCount: number;
  lengths: number[];
  postings: [term: string, docs: number[], counts: number[]][];
}

export class Bm25Index {
  private readonly postings = new Map<string, { docs: number[]; counts: number[] }>();
  private lengths: number[] = [];
  private totalLength = 0;

  constructor(private readonly options: Bm25Options = {}) {}

  get size(): number {
    return this.lengths.length;
  }

  /** Adds the next document (ids are 0, 1, 2, ... in insertion order). */
  add(terms: readonly string[]): number {
    const doc = this.lengths.length;
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, count] of counts) {
      let posting = this.postings.get(term);
      if (!posting) {
        posting = { docs: [], counts: [] };
        this.postings.set(term, posting);
      }
      posting.docs.push(doc);
      posting.counts.push(count);
    }
    this.lengths.push(terms.length);
    this.totalLength += terms.length;
    return doc;
  }

  /** Terms in one document, and on average. */
  lengthOf(doc: number): number {
    return this.lengths[doc] ?? 0;
  }

  get averageLength(): number {
    return this.lengths.length === 0 ? 0 : this.totalLength / this.lengths.length;
  }

  /** How many documents contain the term. */
  documentFrequency(term: string): number {
    return this.postings.get(term)?.docs.length ?? 0;
  }

  /** Documents that contain the term (ascending ids). */
  documentsWith(term: string): readonly number[] {
    return this.postings.get(term)?.docs ?? [];
  }

  idf(term: string): number {
    const n = this.lengths.length;
    const df = this.documentFrequency(term);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** One score per document; a query term repeated counts with diminishing weight. */
  score(queryTerms: readonly string[], override: Bm25Options = {}): Float64Array {
    const k1 = override.k1 ?? this.options.k1 ?? 1.2;
    const b = override.b ?? this.options.b ?? 0.75;
    const n = this.lengths.length;
    const scores = new Float64Array(n);
    if (n === 0) return scores;
    const averageLength = this.totalLength / n || 1;
    const queryCounts = new Map<string, number>();
    for (const term of queryTerms) queryCounts.set(term, (queryCounts.get(term) ?? 0) + 1);
    for (const [term, queryCount] of queryCounts) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const weight = this.idf(term) * (1 + Math.log(queryCount));
      for (let i = 0; i < posting.docs.length; i++) {
        const doc = posting.docs[i]!;
        const tf = posting.counts[i]!;
        const norm = tf + k1 * (1 - b + (b * this.lengths[doc]!) / averageLength);
        scores[doc]! += (weight * (tf * (k1 + 1))) / norm;
      }
    }
    return scores;
  }

  toJSON(): Bm25Snapshot {
    return {
      docCount: this.lengths.length,
      lengths: this.lengths,
      postings: [...this.postings].map(([term, p]) => [term, p.docs, p.counts]),
    };
  }

  static fromJSON(snapshot: Bm25Snapshot, options: Bm25Options = {}): Bm25Index {
    const index = new Bm25Index(options);
    index.lengths = snapshot.lengths;
    index.totalLength = snapshot.lengths.reduce((sum, length) => sum + length, 0);
    for (const [term, docs, counts] of snapshot.postings)
      index.postings.set(term, { docs, counts });
    return index;
  }
}
