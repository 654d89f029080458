/** The Metrics port over prom-client, on its own registry (several servers may share a process in tests). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Metrics } from "../core/index.js";

export interface PrometheusMetrics {
  metrics: Metrics;
  registry: Registry;
}

export function createPrometheusMetrics(
  options: {
    queueDepth?: () => number;
    /** Webhook deliveries stored and not yet handled (see core/inbox.ts). */
    inboxPending?: () => Promise<number>;
    defaultMetrics?: boolean;
  } = {},
): PrometheusMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: "patchsmith_" });
  const jobs = new Counter({
    name: "patchsmith_jobs_total",
    help: "Jobs finished, by kind and outcome.",
    labelNames: ["kind", "outcome"],
    registers: [registry],
  });
  const stages = new Histogram({
    name: "patchsmith_stage_duration_seconds",
    help: "Time spent in each pipeline stage.",
    labelNames: ["stage"],
    buckets: [0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1200, 2400],
    registers: [registry],
  });
  const tokens = new Counter({
    name: "patchsmith_tokens_total",
    help: "Model tokens used, by type.",
    labelNames: ["type"],
    registers: [registry],
  });
  const cost = new Counter({
    name: "patchsmith_cost_usd_total",
    help: "Model cost in US dollars.",
    registers: [registry],
  });
  const queueDepth = options.queueDepth;
  new Gauge({
    name: "patchsmith_queue_depth",
    help: "Jobs queued or running.",
    registers: [registry],
    collect() {
      if (queueDepth) this.set(queueDepth());
    },
  });
  const inboxPending = options.inboxPending;
  new Gauge({
    name: "patchsmith_inbox_pending",
    help: "Webhook deliveries acknowledged and stored, not yet handled.",
    registers: [registry],
    async collect() {
      if (inboxPending) this.set(await inboxPending().catch(() => 0));
    },
  });
  return {
    registry,
    metrics: {
      jobFinished: (kind, outcome) => jobs.inc({ kind, outcome }),
      stageDuration: (stage, ms) => stages.observe({ stage }, ms / 1000),
      tokens: (type, count) => {
        if (count > 0) tokens.inc({ type }, count);
      },
      costUsd: (usd) => {
        if (usd > 0) cost.inc(usd);
      },
    },
  };
}
