import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PatchsmithError } from "../../../src/core/index.js";
import type { Job } from "../../../src/core/index.js";
import { createSqliteQueue, type SqliteQueue } from "../../../src/queue/index.js";

const job = (n: number, extra: Partial<Job> = {}, issue = n): Job => ({
  id: `job-${n}`,
  kind: "issue",
  repo: { owner: "acme", name: "widgets" },
  number: issue,
  trigger: { deliveryId: `d-${n}`, actor: "alice", kind: "label", at: "2026-01-01T00:00:00Z" },
  mode: "implement",
  ...extra,
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
};

let dir: string;
let open: SqliteQueue[] = [];
const make = (options: Partial<Parameters<typeof createSqliteQueue>[0]> = {}) => {
  const queue = createSqliteQueue({
    file: path.join(dir, "queue.db"),
    pollMs: 20,
    retry: { baseDelayMs: 10, maxDelayMs: 40 },
    ...options,
  });
  open.push(queue);
  return queue;
};

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "patchsmith-sqlite-"));
});
afterEach(async () => {
  for (const q of open) await q.close();
  open = [];
  await rm(dir, { recursive: true, force: true });
});

describe("createSqliteQueue", () => {
  it("stores the job before submit resolves, so another process sees it", async () => {
    const receiver = make();
    expect(await receiver.submit(job(1), "k1")).toEqual({ outcome: "queued", jobId: "job-1" });
    await receiver.close();
    const reader = make();
    expect(reader.store.all().map((j) => [j.id, j.state])).toEqual([["job-1", "waiting"]]);
  });

  it("makes one job of a delivery however often it arrives, also after it finished and a restart", async () => {
    const first = make();
    const ran: string[] = [];
    first.process(async (j) => void ran.push(j.id), 1);
    expect(await first.claimDelivery("d-1")).toBe(true);
    await first.submit(job(1), "k1");
    expect(await first.claimDelivery("d-1")).toBe(false);
    await first.drain();
    await first.close();
    const second = make();
    second.process(async (j) => void ran.push(j.id), 1);
    expect(await second.claimDelivery("d-1")).toBe(false);
    // Even a receiver that skipped the claim cannot store it twice.
    expect(await second.submit(job(1, { id: "job-1b" }), "k1")).toEqual({
      outcome: "folded",
      jobId: "job-1",
    });
    await second.drain();
    expect(ran).toEqual(["job-1"]);
  });

  it("lets a delivery whose receiver failed (or died before settling) be claimed again", async () => {
    let t = 1_000_000;
    const queue = make({ now: () => t });
    expect(await queue.claimDelivery("d-x")).toBe(true);
    await queue.settleDelivery("d-x", false);
    expect(await queue.claimDelivery("d-x")).toBe(true);
    expect(await queue.claimDelivery("d-x")).toBe(false); // in progress elsewhere
    t += 61_000; // that receiver died without settling
    expect(await queue.claimDelivery("d-x")).toBe(true);
    await queue.settleDelivery("d-x", true);
    t += 2 * 24 * 3600_000;
    expect(await queue.claimDelivery("d-x")).toBe(false);
  });

  it("runs one job per issue: a repeat folds into the active one, new instructions wait behind", async () => {
    const queue = make();
    const gate = deferred();
    const ran: string[] = [];
    queue.process(async (j) => {
      ran.push(j.id);
      if (j.id === "job-1") await gate.promise;
    }, 2);
    await queue.submit(job(1, {}, 7), "i7");
    await until(() => ran.length === 1);
    // label and /generate together: the same request
    expect(await queue.submit(job(2, {}, 7), "i7")).toEqual({ outcome: "folded", jobId: "job-1" });
    expect(await queue.submit(job(3, { instructions: "add a test" }, 7), "i7")).toEqual({
      outcome: "behind",
      jobId: "job-3",
    });
    expect(await queue.submit(job(4, { mode: "docs" }, 7), "i7")).toEqual({
      outcome: "folded",
      jobId: "job-3",
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(ran).toEqual(["job-1"]); // job-3 waits although a slot is free
    gate.resolve();
    await queue.drain();
    expect(ran).toEqual(["job-1", "job-3"]);
  });

  it("retries retryable failures with backoff and gives up after maxAttempts; user errors once", async () => {
    const queue = make({ retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 } });
    const attempts: Record<string, number[]> = {};
    queue.process(async (j, { attempt }) => {
      (attempts[j.id] ??= []).push(attempt);
      if (j.id === "job-1")
        throw new PatchsmithError("GitHub 502", { isRetryable: true, userMessage: "later" });
      if (j.id === "job-2") throw new PatchsmithError("no permission", { userMessage: "ask" });
      if (j.id === "job-3" && attempt === 1)
        throw new PatchsmithError("overloaded", { isRetryable: true });
    }, 3);
    await queue.submit(job(1), "a");
    await queue.submit(job(2), "b");
    await queue.submit(job(3), "c");
    await queue.drain();
    expect(attempts).toEqual({ "job-1": [1, 2, 3], "job-2": [1], "job-3": [1, 2] });
    const states = Object.fromEntries(queue.store.all().map((j) => [j.id, j.state]));
    expect(states).toEqual({ "job-1": "failed", "job-2": "failed", "job-3": "done" });
  });

  it("never runs more than the configured concurrency", async () => {
    const queue = make();
    let active = 0;
    let peak = 0;
    queue.process(async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 30));
      active--;
    }, 2);
    for (let i = 1; i <= 6; i++) await queue.submit(job(i), `k${i}`);
    await queue.drain();
    expect(peak).toBe(2);
  });

  it("takes up a job again when its worker stops renewing the lease", async () => {
    const dead = make({ leaseMs: 150, heartbeatMs: 10_000 }); // heartbeats never come
    const stuck = deferred();
    dead.process(async () => stuck.promise, 1);
    await dead.submit(job(1), "k1");
    await until(() => dead.store.get("job-1")?.state === "running");
    const alive = make({ leaseMs: 150, heartbeatMs: 30 });
    const ran: number[] = [];
    alive.process(async (_j, { attempt }) => void ran.push(attempt), 1);
    await until(() => alive.store.get("job-1")?.state === "done");
    expect(ran).toEqual([2]);
    stuck.resolve();
    await new Promise((r) => setTimeout(r, 30));
    // The first worker's late finish changes nothing.
    expect(alive.store.get("job-1")?.attempt).toBe(2);
  });

  it("cancels a waiting job and aborts a running one", async () => {
    const queue = make();
    const seen: string[] = [];
    queue.process(
      (j, { signal }) =>
        new Promise<void>((_resolve, reject) => {
          seen.push(j.id);
          signal.addEventListener("abort", () => reject(signal.reason));
        }),
      1,
    );
    await queue.submit(job(1), "a");
    await queue.submit(job(2), "b");
    await until(() => seen.length === 1);
    expect(await queue.cancel("b")).toBe(true);
    expect(await queue.cancel("a")).toBe(true);
    await queue.drain();
    expect(seen).toEqual(["job-1"]);
    expect(queue.store.all().map((j) => j.state)).toEqual(["cancelled", "cancelled"]);
    expect(await queue.cancel("a")).toBe(false);
  });

  it("on close lets a short job finish and hands a long one back", async () => {
    const queue = make({ graceMs: 100 });
    queue.process(async (j, { signal }) => {
      const ms = j.id === "job-1" ? 20 : 5_000;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        signal.addEventListener("abort", () => {
          clearTimeout(t);
          resolve();
        });
      });
    }, 2);
    await queue.submit(job(1), "a");
    await queue.submit(job(2), "b");
    await until(() => queue.store.all().every((j) => j.state === "running"));
    await queue.close();
    const after = make();
    expect(after.store.all().map((j) => [j.id, j.state, j.attempt])).toEqual([
      ["job-1", "done", 1],
      ["job-2", "waiting", 0],
    ]);
  });
});

describe("fold policy", () => {
  it("never folds review feedback; an issue trigger with a job waiting folds into it", async () => {
    const { decide } = await import("../../../src/queue/index.js");
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
