import { describe, expect, it } from "vitest";
import type { Job, Logger } from "../../../src/core/index.js";
import { createInProcessQueue } from "../../../src/queue/index.js";

const job = (n: number): Job => ({
  id: `job-${n}`,
  kind: "issue",
  repo: { owner: "acme", name: "widgets" },
  number: n,
  trigger: { deliveryId: `d-${n}`, actor: "alice", kind: "label", at: "2026-01-01T00:00:00Z" },
  mode: "implement",
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function recordingLogger() {
  const errors: { obj: unknown; msg?: string }[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error(obj, msg) {
      errors.push({ obj, msg });
    },
    child: () => logger,
  };
  return { logger, errors };
}

describe("createInProcessQueue", () => {
  it("runs at most N jobs at once, in order, and drains", async () => {
    const queue = createInProcessQueue();
    let active = 0;
    let peak = 0;
    const order: string[] = [];
    queue.process(async (j) => {
      active++;
      peak = Math.max(peak, active);
      order.push(j.id);
      await new Promise((r) => setTimeout(r, 10));
      active--;
    }, 2);
    for (let i = 1; i <= 5; i++) expect(await queue.enqueue(job(i), `k${i}`)).toBe(true);
    await queue.drain();
    expect(peak).toBe(2);
    expect(order).toEqual(["job-1", "job-2", "job-3", "job-4", "job-5"]);
  });

  it("holds a dedupe key while the job is queued or running, and frees it after", async () => {
    const queue = createInProcessQueue();
    const gate = deferred();
    const ran: string[] = [];
    queue.process(async (j) => {
      ran.push(j.id);
      await gate.promise;
    }, 1);
    expect(await queue.enqueue(job(1), "acme/widgets#1")).toBe(true);
    expect(await queue.enqueue(job(2), "acme/widgets#1")).toBe(false); // running
    expect(await queue.enqueue(job(3), "acme/widgets#3")).toBe(true);
    expect(await queue.enqueue(job(4), "acme/widgets#3")).toBe(false); // queued
    gate.resolve();
    await queue.drain();
    expect(ran).toEqual(["job-1", "job-3"]);
    expect(await queue.enqueue(job(5), "acme/widgets#1")).toBe(true);
    await queue.drain();
    expect(ran).toEqual(["job-1", "job-3", "job-5"]);
  });

  it("logs a failing job and goes on with the next, sync throws included", async () => {
    const { logger, errors } = recordingLogger();
    const queue = createInProcessQueue({ logger });
    const ran: string[] = [];
    queue.process((j) => {
      ran.push(j.id);
      if (j.number === 1) throw new Error("boom sync");
      if (j.number === 2) return Promise.reject(new Error("boom async"));
      return Promise.resolve();
    }, 1);
    await queue.enqueue(job(1), "a");
    await queue.enqueue(job(2), "b");
    await queue.enqueue(job(3), "c");
    await queue.drain();
    expect(ran).toEqual(["job-1", "job-2", "job-3"]);
    expect(errors.map((e) => (e.obj as { err: Error }).err.message)).toEqual([
      "boom sync",
      "boom async",
    ]);
    expect(await queue.enqueue(job(1), "a")).toBe(true);
  });

  it("keeps jobs enqueued before process() and runs them once it is called", async () => {
    const queue = createInProcessQueue();
    await queue.enqueue(job(1), "a");
    const ran: string[] = [];
    queue.process(async (j) => void ran.push(j.id), 1);
    await queue.drain();
    expect(ran).toEqual(["job-1"]);
  });

  it("removes a queued job and aborts the signal of a running one", async () => {
    const queue = createInProcessQueue();
    const gate = deferred();
    const ran: string[] = [];
    const signals: AbortSignal[] = [];
    queue.process(async (j, { signal }) => {
      ran.push(j.id);
      signals.push(signal);
      await gate.promise;
    }, 1);
    await queue.enqueue(job(1), "a");
    await queue.enqueue(job(2), "b");
    expect(await queue.cancel("b")).toBe(true);
    expect(signals[0]?.aborted).toBe(false);
    expect(await queue.cancel("a")).toBe(true);
    expect(signals[0]?.aborted).toBe(true);
    expect(await queue.cancel("a")).toBe(false); // already cancelled, still winding down
    expect(await queue.cancel("nothing")).toBe(false);
    expect(await queue.enqueue(job(2), "b")).toBe(true); // key freed by cancel
    expect(await queue.cancel("b")).toBe(true);
    gate.resolve();
    await queue.drain();
    expect(ran).toEqual(["job-1"]);
  });

  it("close() waits for running jobs, drops queued ones and refuses new ones", async () => {
    const queue = createInProcessQueue();
    const gate = deferred();
    let finished = false;
    queue.process(async () => {
      await gate.promise;
      finished = true;
    }, 1);
    await queue.enqueue(job(1), "a");
    await queue.enqueue(job(2), "b");
    const closing = queue.close();
    setTimeout(() => gate.resolve(), 20);
    await closing;
    expect(finished).toBe(true);
    await expect(queue.enqueue(job(3), "c")).rejects.toMatchObject({ isRetryable: true });
    await queue.drain();
  });

  it("refuses a bad concurrency and a second handler", () => {
    const queue = createInProcessQueue();
    expect(() => queue.process(async () => {}, 0)).toThrow(/positive integer/);
    queue.process(async () => {}, 1);
    expect(() => queue.process(async () => {}, 1)).toThrow(/already/);
  });
});
