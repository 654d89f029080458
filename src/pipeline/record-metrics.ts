/** A finished job's report, counted on the Metrics port. */
import type { Job, Metrics } from "../core/index.js";
import type { JobOutcome } from "./run-issue-job.js";

export function recordJobMetrics(metrics: Metrics, job: Job, outcome: JobOutcome): void {
  metrics.jobFinished(job.kind, outcome.status);
  for (const stage of outcome.report.stages) metrics.stageDuration(stage.stage, stage.ms);
  const { usage } = outcome.report;
  metrics.tokens("input", usage.inputTokens);
  metrics.tokens("output", usage.outputTokens);
  metrics.tokens("cache_read", usage.cacheReadTokens);
  metrics.tokens("cache_write", usage.cacheWriteTokens);
  metrics.costUsd(outcome.report.costUsd);
}
