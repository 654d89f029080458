/** /healthz and /metrics on Probot's own server (the one `patchsmith serve` runs), on loopback. */
import { pino } from "pino";
import { Probot, Server } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { emptyUsage, type Job } from "../../src/core/index.js";
import { createOpsHandler, createPrometheusMetrics } from "../../src/metrics/index.js";
import { recordJobMetrics } from "../../src/pipeline/index.js";
import { createInProcessQueue } from "../../src/queue/index.js";
import { PATCHSMITH_VERSION } from "../../src/version.js";
import { testProbotOptions } from "../fakes/github-nock.js";

let server: Server | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const job = { id: "j1", kind: "issue" } as Job;

describe("operations endpoints", () => {
  it("answer on the real Probot server, beside the webhook route", async () => {
    const queue = createInProcessQueue();
    const queueDepth = () => queue.depth?.() ?? 0;
    const prometheus = createPrometheusMetrics({ queueDepth });
    server = new Server({
      Probot: Probot.defaults(testProbotOptions()),
      port: 0,
      host: "127.0.0.1",
      log: pino({ level: "silent" }),
    });
    await server.load((app, options) => {
      options.addHandler(
        createOpsHandler({
          version: PATCHSMITH_VERSION,
          registry: prometheus.registry,
          queueDepth,
        }),
      );
      return createApp({ queue })(app, options);
    });
    await server.start();
    const base = `http://127.0.0.1:${server.port}`;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, version: PATCHSMITH_VERSION, queueDepth: 0 });

    recordJobMetrics(prometheus.metrics, job, {
      status: "published",
      report: {
        stages: [{ stage: "gate", ms: 12_000 }],
        usage: { ...emptyUsage(), inputTokens: 1200, outputTokens: 300 },
        costUsd: 0.25,
        modelCalls: 3,
        repairRounds: 0,
        gateRounds: [],
      },
    });
    recordJobMetrics(prometheus.metrics, job, {
      status: "failed",
      report: {
        stages: [],
        usage: emptyUsage(),
        costUsd: 0,
        modelCalls: 0,
        repairRounds: 0,
        gateRounds: [],
      },
    });
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await metrics.text();
    expect(text).toContain('patchsmith_jobs_total{kind="issue",outcome="published"} 1');
    expect(text).toContain('patchsmith_jobs_total{kind="issue",outcome="failed"} 1');
    expect(text).toContain('patchsmith_stage_duration_seconds_bucket{le="15",stage="gate"} 1');
    expect(text).toContain('patchsmith_tokens_total{type="input"} 1200');
    expect(text).toContain("patchsmith_cost_usd_total 0.25");
    expect(text).toContain("patchsmith_queue_depth 0");

    // The webhook route is still Probot's (an unsigned delivery is refused), and other paths 404.
    const webhook = await fetch(`${base}/api/github/webhooks`, { method: "POST", body: "{}" });
    expect(webhook.status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`${base}/nothing-here`)).status).toBe(404);
  });

  it("the queue depth counts queued and running jobs, and a cancelled one leaves", async () => {
    const queue = createInProcessQueue();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    queue.process(() => held, 1);
    await queue.enqueue({ ...job, id: "a" }, "k1");
    await queue.enqueue({ ...job, id: "b" }, "k2");
    expect(queue.depth?.()).toBe(2);
    await queue.cancel("k2");
    expect(queue.depth?.()).toBe(1);
    release();
    await queue.drain();
    expect(queue.depth?.()).toBe(0);
  });
});
