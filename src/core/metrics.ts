/**
 * The Metrics port: what the worker counts. The Prometheus adapter (src/metrics/) serves
 * it on /metrics; without one, nothing is counted.
 */
export interface Metrics {
  /** One job finished, by kind (issue, feedback, ...) and outcome (published, failed, ...). */
  jobFinished(kind: string, outcome: string): void;
  stageDuration(stage: string, ms: number): void;
  /** Tokens by type: input, output, cache_read, cache_write. */
  tokens(type: string, count: number): void;
  costUsd(usd: number): void;
}

export const noopMetrics: Metrics = {
  jobFinished: () => {},
  stageDuration: () => {},
  tokens: () => {},
  costUsd: () => {},
};
