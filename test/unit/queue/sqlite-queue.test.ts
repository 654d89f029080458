import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PatchsmithError } from "../../../src/core/index.js";
import type { Job, JobContext } from "../../../src/core/index.js";
import { createSqliteQueue, type SqliteQueue } from "../../../src/queue/index.js";

const job = (n: number, id = `job-${n}`): Job => ({
  id,
  kind: "issue",
  repo: { owner: "acme", name: "widgets" },
  number: n,
  trigger: { deliveryId: `d-${n}`, actor: "alice", kind: "label", at: "2026-01-01T00:00:00Z" },
  mode: "implement",
  statusCommentId: 900 + n,
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
    await new Promise((r) => setTimeout(r, 5));
  }
};

let dir: string;
let file: string;
const opened: SqliteQueue[] = [];
const open = (options: Partial<Parameters<typeof createSqliteQueue>[0]> = {}) => {
  const queue = createSqliteQueue({ file, pollMs: 10, leaseMs: 300, backoffMs: 5, ...options });
  opened.push(queue);
  return queue;
};

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "patchsmith-queue-"));
  file = path.join(dir, "data", "queue.db");
});

afterEach(async () => {
  for (const queue of opened.splice(0)) await queue.close();
  await rm(dir, { recursive: true, force: true });
});

describe("createSqliteQueue", () => {
  it("stores the job before enqueue resolves, in WAL mode, and a reopened db still has it", async () => {
    const first = open();
    expect(await first.enqueue(job(1), "k1")).toBe(true);
    // Another connection sees the committed row at once: the webhook can be acknowledged.
    const other = new Database(file, { readonly: true });
    expect(other.prepare("SELECT id, state FROM jobs").all()).toEqual([
      { id: "job-1", state: "queued" },
    ]);
    expect(other.pragma("journal_mode", { simple: true })).toBe("wal");
    other.close();
    await first.close();

    const second = open();
    const seen: { job: Job; ctx: JobContext }[] = [];
    second.process(async (j, ctx) => void seen.push({ job: j, ctx }), 1);
    await second.drain();
    expect(seen.map((s) => [s.job.id, s.job.statusCommentId, s.ctx.attempt])).toEqual([
      ["job-1", 901, 1],
    ]);
    expect(second.jobs()).toMatchObject([{ id: "job-1", state: "done", attempt: 1 }]);
  });

  it("refuses a second job for a key while one is queued or running, and takes one after", async () => {
    const queue = open();
    const gate = deferred();
    queue.process(() => gate.promise, 2);
    expect(await queue.enqueue(job(1, "a"), "k")).toBe(true);
    expect(await queue.enqueue(job(1, "b"), "k")).toBe(false);
    await until(() => queue.jobs()[0]?.state === "running");
    expect(await queue.enqueue(job(1, "c"), "k")).toBe(false);
    gate.resolve();
    await queue.drain();
    expect(await queue.enqueue(job(1, "d"), "k")).toBe(true);
    await queue.drain();
    expect(queue.jobs().map((j) => [j.id, j.state])).toEqual([
      ["a", "done"],
      ["d", "done"],
    ]);
  });

  it("remembers delivery ids across a restart, and forgets one on request", async () => {
    const first = open();
    expect(first.deliveries.firstSeen("delivery-1")).toBe(true);
    expect(first.deliveries.firstSeen("delivery-1")).toBe(false);
    await first.close();
    const second = open();
    expect(second.deliveries.firstSeen("delivery-1")).toBe(false);
    second.deliveries.forget("delivery-1");
    expect(second.deliveries.firstSeen("delivery-1")).toBe(true);
  });

  it("lets a redelivery in when the process that first saw it died before storing a job", async () => {
    const queue = open();
    const raw = new Database(file);
    const insert = raw.prepare("INSERT INTO deliveries (id, seen_at, owner) VALUES (?, ?, ?)");
    const dead = `${os.hostname()}:99999999:gone`;
    insert.run("crashed-before-enqueue", Date.now(), dead);
    insert.run("crashed-after-enqueue", Date.now(), dead);
    insert.run("still-in-flight", Date.now(), `${os.hostname()}:${process.ppid}:alive`);
    raw.close();
    await queue.enqueue(
      { ...job(5), trigger: { ...job(5).trigger, deliveryId: "crashed-after-enqueue" } },
      "k5",
    );
    expect(queue.deliveries.firstSeen("crashed-before-enqueue")).toBe(true);
    expect(queue.deliveries.firstSeen("crashed-before-enqueue")).toBe(false);
    expect(queue.deliveries.firstSeen("crashed-after-enqueue")).toBe(false);
    expect(queue.deliveries.firstSeen("still-in-flight")).toBe(false);
  });

  it("keeps delivery ids for the TTL (at least 3 days) and then lets them in again", async () => {
    let clock = 1_000_000;
    const queue = open({ now: () => clock });
    expect(queue.deliveries.firstSeen("d")).toBe(true);
    clock += 3 * 24 * 60 * 60 * 1000;
    expect(queue.deliveries.firstSeen("d")).toBe(false);
    clock += 1.1 * 24 * 60 * 60 * 1000;
    expect(queue.deliveries.firstSeen("d")).toBe(true);
  });

  it("runs at most N jobs at once", async () => {
    const queue = open();
    let activeNow = 0;
    let peak = 0;
    queue.process(async () => {
      activeNow++;
      peak = Math.max(peak, activeNow);
      await new Promise((r) => setTimeout(r, 20));
      activeNow--;
    }, 2);
    for (let i = 1; i <= 5; i++) await queue.enqueue(job(i), `k${i}`);
    await queue.drain();
    expect(peak).toBe(2);
    expect(queue.jobs().every((j) => j.state === "done")).toBe(true);
  });

  it("retries a retryable error with backoff, and never a user error", async () => {
    const queue = open({ maxAttempts: 3 });
    const attempts: Record<string, number[]> = {};
    queue.process(async (j, ctx) => {
      (attempts[j.id] ??= []).push(ctx.attempt);
      if (j.id === "flaky" && ctx.attempt < 3) {
        throw new PatchsmithError("GitHub 502", { isRetryable: true });
      }
      if (j.id === "user") throw new PatchsmithError("the issue is empty");
      if (j.id === "down") throw new PatchsmithError("still down", { isRetryable: true });
    }, 1);
    await queue.enqueue(job(1, "flaky"), "k1");
    await queue.enqueue(job(2, "user"), "k2");
    await queue.enqueue(job(3, "down"), "k3");
    await queue.drain();
    expect(attempts).toEqual({ flaky: [1, 2, 3], user: [1], down: [1, 2, 3] });
    expect(queue.jobs().map((j) => [j.id, j.state, j.lastError])).toEqual([
      ["flaky", "done", null],
      ["user", "failed", "the issue is empty"],
      ["down", "failed", "still down"],
    ]);
  });

  it("a job whose worker stopped heartbeating is taken by another worker after the lease", async () => {
    const first = open({ leaseMs: 150, graceMs: 20 });
    const second = open({ leaseMs: 150 });
    const started = deferred();
    // The first worker takes the job and then hangs with its heartbeat stopped (a frozen process).
    first.process(async () => {
      started.resolve();
      await new Promise(() => {});
    }, 1);
    await first.enqueue(job(1), "k1");
    await started.promise;
    // Another owner's stale lease: the first worker's heartbeat finds it lost, nobody renews it.
    const raw = new Database(file);
    raw.prepare("UPDATE jobs SET lease_owner = 'elsewhere:1:x'").run();
    raw.close();
    const ran: number[] = [];
    second.process(async (_j, ctx) => void ran.push(ctx.attempt), 1);
    await until(() => ran.length === 1);
    expect(ran).toEqual([2]);
    await until(() => second.jobs()[0]?.state === "done");
  });

  it("a lease held by a dead process of this host is released at start", async () => {
    const first = open({ leaseMs: 60_000 });
    await first.enqueue(job(1), "k1");
    await first.close();
    const raw = new Database(file);
    // A pid far beyond pid_max is never alive.
    raw
      .prepare("UPDATE jobs SET state = 'running', attempt = 1, lease_owner = ?, lease_until = ?")
      .run(`${os.hostname()}:99999999:dead`, Date.now() + 60_000);
    raw.close();
    const second = open({ leaseMs: 60_000 });
    const ran: number[] = [];
    second.process(async (_j, ctx) => void ran.push(ctx.attempt), 1);
    await second.drain();
    expect(ran).toEqual([2]);
  });

  it("fails a job that lost its lease on every attempt instead of looping", async () => {
    const queue = open({ maxAttempts: 2 });
    await queue.enqueue(job(1), "k1");
    const raw = new Database(file);
    raw
      .prepare(
        "UPDATE jobs SET state = 'running', attempt = 2, lease_owner = 'x:1:y', lease_until = 0",
      )
      .run();
    raw.close();
    const ran: string[] = [];
    queue.process(async (j) => void ran.push(j.id), 1);
    await queue.drain();
    expect(ran).toEqual([]);
    expect(queue.jobs()).toMatchObject([{ state: "failed" }]);
  });

  it("cancels a queued job, and aborts a running one (also from another process)", async () => {
    const worker = open();
    const receiver = open();
    const signals: AbortSignal[] = [];
    worker.process(async (_j, ctx) => {
      signals.push(ctx.signal);
      await new Promise((_, reject) =>
        ctx.signal.addEventListener("abort", () => reject(new Error("aborted"))),
      );
    }, 1);
    await receiver.enqueue(job(1), "k1");
    await until(() => signals.length === 1);
    await receiver.enqueue(job(2), "k2");
    expect(await receiver.cancel("k2")).toBe(true);
    // The receiver's process has no handle on the running job: the worker sees the flag.
    expect(await receiver.cancel("k1")).toBe(true);
    await until(() => signals[0]!.aborted);
    await worker.drain();
    expect(receiver.jobs().map((j) => [j.id, j.state])).toEqual([
      ["job-1", "cancelled"],
      ["job-2", "cancelled"],
    ]);
    expect(await receiver.cancel("k1")).toBe(false);
  });

  it("close() waits for a running job within the grace period", async () => {
    const queue = open({ graceMs: 2000 });
    let finished = false;
    queue.process(async () => {
      await new Promise((r) => setTimeout(r, 50));
      finished = true;
    }, 1);
    await queue.enqueue(job(1), "k1");
    await until(() => queue.jobs()[0]?.state === "running");
    await queue.close();
    expect(finished).toBe(true);
    await expect(queue.enqueue(job(2), "k2")).rejects.toThrow(/closed/);
    const reopened = open();
    expect(reopened.jobs()).toMatchObject([{ id: "job-1", state: "done" }]);
  });

  it("close() past the grace period aborts the job and hands it back for the next worker", async () => {
    const queue = open({ graceMs: 50, leaseMs: 60_000 });
    let signal: AbortSignal | undefined;
    queue.process(async (_j, ctx) => {
      signal = ctx.signal;
      await new Promise(() => {});
    }, 1);
    await queue.enqueue(job(1), "k1");
    await until(() => signal !== undefined);
    await queue.close();
    expect(signal!.aborted).toBe(true);
    const next = open({ leaseMs: 60_000 });
    expect(next.jobs()).toMatchObject([{ state: "queued", attempt: 1 }]);
    const ran: number[] = [];
    next.process(async (_j, ctx) => void ran.push(ctx.attempt), 1);
    await next.drain();
    expect(ran).toEqual([2]);
  });
});
