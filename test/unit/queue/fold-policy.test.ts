/**
 * The fold policy both durable queues apply (the queue behaviour itself is the conformance
 * suite, queue-conformance.test.ts, run on SQLite and on Redis).
 */
import { describe, expect, it } from "vitest";
import type { Job } from "../../../src/core/index.js";
import { decide } from "../../../src/queue/index.js";

const job = (n: number, extra: Partial<Job> = {}, issue = n): Job => ({
  id: `job-${n}`,
  kind: "issue",
  repo: { owner: "acme", name: "widgets" },
  number: issue,
  trigger: { deliveryId: `d-${n}`, actor: "alice", kind: "label", at: "2026-01-01T00:00:00Z" },
  mode: "implement",
  ...extra,
});

describe("fold policy", () => {
  it("never folds review feedback; an issue trigger with a job waiting folds into it", () => {
    const running = [{ id: "a", state: "running" as const, mode: "implement" as const }];
    const feedback = job(9, { kind: "feedback", feedback: { commentIds: [1] } });
    expect(decide(feedback, running)).toEqual({ outcome: "behind", jobId: "job-9" });
    expect(decide(feedback, [])).toEqual({ outcome: "queued", jobId: "job-9" });
    const waiting = [...running, { id: "b", state: "waiting" as const, mode: "docs" as const }];
    expect(decide(job(8, { instructions: "x" }), waiting)).toEqual({
      outcome: "folded",
      jobId: "b",
    });
  });
});
