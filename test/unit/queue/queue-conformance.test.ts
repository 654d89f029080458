/**
 * One contract, two durable adapters: every case runs on the SQLite queue and on the Redis
 * queue (a private redis-server for this file). Two queue instances on the same store stand
 * for two processes: a receiver and a worker, or two workers on different machines.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PatchsmithError } from "../../../src/core/index.js";
import type { Job, JobQueue } from "../../../src/core/index.js";
import {
  DELIVERY_RETENTION_MS,
  RedisUnavailableError,
  createRedisQueue,
  createSqliteQueue,
  type RedisQueue,
  type SqliteQueue,
} from "../../../src/queue/index.js";
import { deadRedisUrl, startTestRedis, type TestRedis } from "../../fakes/redis-server.js";

type DurableQueue = SqliteQueue | RedisQueue;

interface CommonOptions {
  leaseMs?: number;
  heartbeatMs?: number;
  graceMs?: number;
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  now?: () => number;
  random?: () => number;
}

interface Record {
  id: string;
  state: string;
  attempt: number;
}

interface Adapter {
  name: string;
  /** A queue instance on this test's store (another process, as far as the store knows). */
  make(options?: CommonOptions): DurableQueue;
  records(queue: DurableQueue): Promise<Record[]>;
}

const job = (n: number, extra: Partial<Job> = {}, issue = n): Job => ({
  id: `acme/widgets#${issue}@d-${n}`,
  kind: "issue",
  repo: { owner: "acme", name: "widgets" },
  number: issue,
  trigger: { deliveryId: `d-${n}`, actor: "alice", kind: "label", at: "2026-01-01T00:00:00Z" },
  mode: "implement",
  ...extra,
});
const idOf = (n: number, issue = n) => `acme/widgets#${issue}@d-${n}`;

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await sleep(10);
  }
}

const project = (r: { id: string; state: string; attempt: number }): Record => ({
  id: r.id,
  state: r.state,
  attempt: r.attempt,
});

let redis: TestRedis;
let dir: string;
let testNo = 0;
let open: DurableQueue[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.stop();
});
beforeEach(async () => {
  testNo++;
  dir = await mkdtemp(path.join(os.tmpdir(), "patchsmith-conformance-"));
});
afterEach(async () => {
  await Promise.all(open.map((q) => q.close()));
  open = [];
  await rm(dir, { recursive: true, force: true });
});

const track = <Q extends DurableQueue>(queue: Q): Q => {
  open.push(queue);
  return queue;
};

const sqlite: Adapter = {
  name: "sqlite",
  make: (options = {}) =>
    track(
      createSqliteQueue({
        file: path.join(dir, "queue.db"),
        pollMs: 20,
        ...options,
        retry: { baseDelayMs: 10, maxDelayMs: 40, ...options.retry },
      }),
    ),
  records: async (queue) => (queue as SqliteQueue).store.all().map(project),
};

const redisAdapter: Adapter = {
  name: "redis",
  make: (options = {}) =>
    track(
      createRedisQueue({
        url: redis.url,
        prefix: `t${testNo}`,
        pollMs: 20,
        ...(options.leaseMs ? { stalledIntervalMs: options.leaseMs } : {}),
        ...options,
        retry: { baseDelayMs: 10, maxDelayMs: 40, ...options.retry },
      }),
    ),
  records: async (queue) => (await (queue as RedisQueue).store.all()).map(project),
};

describe.each([sqlite, redisAdapter])("durable queue contract: $name", (adapter) => {
  const make = (options?: CommonOptions) => adapter.make(options);
  const records = (queue: DurableQueue) => adapter.records(queue);
  const stateOf = async (queue: DurableQueue, id: string) =>
    (await records(queue)).find((r) => r.id === id);

  it("stores the job before submit resolves, so another process sees it", async () => {
    const receiver = make();
    expect(await receiver.submit(job(1), "k1")).toEqual({ outcome: "queued", jobId: idOf(1) });
    await receiver.close();
    const reader = make();
    expect(await records(reader)).toEqual([{ id: idOf(1), state: "waiting", attempt: 0 }]);
    await until(() => reader.depth!() === 1);
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
    expect(await second.submit({ ...job(1), id: "other-id" }, "k1")).toEqual({
      outcome: "folded",
      jobId: idOf(1),
    });
    await second.drain();
    expect(ran).toEqual([idOf(1)]);
  });

  it("lets a delivery whose receiver failed (or died before settling) be claimed again, and remembers a handled one for days", async () => {
    let t = 1_000_000;
    const queue = make({ now: () => t });
    expect(await queue.claimDelivery("d-x")).toBe(true);
    await queue.settleDelivery("d-x", false);
    expect(await queue.claimDelivery("d-x")).toBe(true);
    expect(await make({ now: () => t }).claimDelivery("d-x")).toBe(false); // in progress elsewhere
    t += 61_000; // that receiver died without settling
    expect(await queue.claimDelivery("d-x")).toBe(true);
    await queue.settleDelivery("d-x", true);
    t += 2 * 24 * 3600_000;
    expect(await queue.claimDelivery("d-x")).toBe(false);
    if (adapter.name === "redis") {
      // Redis forgets by expiry, so the expiry itself is the retention.
      const ttl = await (queue as RedisQueue).store.deliveryTtl("d-x");
      expect(ttl).toBeGreaterThan(DELIVERY_RETENTION_MS - 60_000);
    }
  });

  it("runs one job per issue: a repeat folds into the active one, new instructions wait behind", async () => {
    const receiver = make();
    const worker = make();
    const gate = deferred();
    const ran: string[] = [];
    worker.process(async (j) => {
      ran.push(j.id);
      if (j.id === idOf(1, 7)) await gate.promise;
    }, 2);
    await receiver.submit(job(1, {}, 7), "i7");
    await until(() => ran.length === 1);
    // label and /generate together: the same request
    expect(await receiver.submit(job(2, {}, 7), "i7")).toEqual({
      outcome: "folded",
      jobId: idOf(1, 7),
    });
    expect(await receiver.submit(job(3, { instructions: "add a test" }, 7), "i7")).toEqual({
      outcome: "behind",
      jobId: idOf(3, 7),
    });
    expect(await receiver.submit(job(4, { mode: "docs" }, 7), "i7")).toEqual({
      outcome: "folded",
      jobId: idOf(3, 7),
    });
    await sleep(150);
    expect(ran).toEqual([idOf(1, 7)]); // job-3 waits although a slot is free
    gate.resolve();
    await until(async () => (await stateOf(receiver, idOf(3, 7)))?.state === "done");
    expect(ran).toEqual([idOf(1, 7), idOf(3, 7)]);
  });

  it("makes one job of triggers that race from two receivers", async () => {
    const a = make();
    const b = make();
    const results = await Promise.all(
      [1, 2, 3, 4, 5, 6].flatMap((issue) => [
        a.submit(job(issue * 10, {}, issue), `k${issue}`),
        b.submit(job(issue * 10 + 1, {}, issue), `k${issue}`),
      ]),
    );
    for (let issue = 0; issue < 6; issue++) {
      const pair = results.slice(issue * 2, issue * 2 + 2).map((r) => r.outcome);
      expect(pair.sort()).toEqual(["folded", "queued"]);
    }
    expect(await records(a)).toHaveLength(6);
  });

  it("retries retryable failures with backoff and gives up after maxAttempts; user errors once", async () => {
    const receiver = make();
    const worker = make({
      retry: { maxAttempts: 3, baseDelayMs: 60, maxDelayMs: 200 },
      random: () => 0.5,
    });
    const attempts: { [id: string]: number[] } = {};
    const startedAt: number[] = [];
    worker.process(async (j, { attempt }) => {
      (attempts[j.id] ??= []).push(attempt);
      if (j.id === idOf(1)) {
        startedAt.push(Date.now());
        throw new PatchsmithError("GitHub 502", { isRetryable: true, userMessage: "later" });
      }
      if (j.id === idOf(2)) throw new PatchsmithError("no permission", { userMessage: "ask" });
      if (j.id === idOf(3) && attempt === 1)
        throw new PatchsmithError("overloaded", { isRetryable: true });
    }, 3);
    await receiver.submit(job(1), "a");
    await receiver.submit(job(2), "b");
    await receiver.submit(job(3), "c");
    await until(async () => (await records(receiver)).every((r) => r.state !== "waiting"));
    await worker.drain();
    expect(attempts).toEqual({
      [idOf(1)]: [1, 2, 3],
      [idOf(2)]: [1],
      [idOf(3)]: [1, 2],
    });
    // base·2^(attempt-1) with jitter 1.0: 60 ms, then 120 ms.
    expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(55);
    expect(startedAt[2]! - startedAt[1]!).toBeGreaterThanOrEqual(110);
    const states = Object.fromEntries((await records(receiver)).map((r) => [r.id, r.state]));
    expect(states).toEqual({ [idOf(1)]: "failed", [idOf(2)]: "failed", [idOf(3)]: "done" });
  });

  it("never runs more than the configured concurrency", async () => {
    const queue = make();
    let active = 0;
    let peak = 0;
    queue.process(async () => {
      active++;
      peak = Math.max(peak, active);
      await sleep(40);
      active--;
    }, 2);
    for (let i = 1; i <= 6; i++) await queue.submit(job(i), `k${i}`);
    await until(async () => (await records(queue)).every((r) => r.state === "done"));
    expect(peak).toBe(2);
  });

  it("takes up a job again in another worker when its worker stops renewing the lease", async () => {
    const dead = make({ leaseMs: 300, heartbeatMs: 60_000 }); // renewals never come
    const stuck = deferred();
    dead.process(async () => stuck.promise, 1);
    await dead.submit(job(1), "k1");
    await until(async () => (await stateOf(dead, idOf(1)))?.state === "running");
    const alive = make({ leaseMs: 300, heartbeatMs: 50 });
    const ran: number[] = [];
    alive.process(async (_j, { attempt }) => void ran.push(attempt), 1);
    await until(async () => (await stateOf(alive, idOf(1)))?.state === "done");
    expect(ran).toEqual([2]);
    stuck.resolve();
    await sleep(100);
    // The first worker's late finish changes nothing.
    expect(await stateOf(alive, idOf(1))).toEqual({ id: idOf(1), state: "done", attempt: 2 });
  });

  it("cancels from another process: a waiting job is removed, the running one's signal aborts", async () => {
    const receiver = make();
    const worker = make({ heartbeatMs: 50 });
    const seen: string[] = [];
    worker.process(
      (j, { signal }) =>
        new Promise<void>((_resolve, reject) => {
          seen.push(j.id);
          signal.addEventListener("abort", () => reject(signal.reason));
        }),
      1,
    );
    await receiver.submit(job(1), "a");
    await until(() => seen.length === 1);
    await receiver.submit(job(2), "b");
    expect(await receiver.cancel("b")).toBe(true);
    expect(await receiver.cancel("a")).toBe(true);
    await until(async () => (await records(receiver)).every((r) => r.state === "cancelled"));
    await worker.drain();
    expect(seen).toEqual([idOf(1)]);
    expect(await receiver.cancel("a")).toBe(false);
  });

  it("on close lets a short job finish and hands a long one back to the next worker", async () => {
    const receiver = make();
    const worker = make({ graceMs: 300 });
    worker.process(async (j, { signal }) => {
      const ms = j.id === idOf(1) ? 20 : 10_000;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        signal.addEventListener("abort", () => {
          clearTimeout(t);
          resolve();
        });
      });
    }, 2);
    await receiver.submit(job(1), "a");
    await receiver.submit(job(2), "b");
    await until(async () => (await records(receiver)).some((r) => r.state === "running"));
    await until(async () => (await stateOf(receiver, idOf(2)))?.state === "running");
    await worker.close();
    expect(await records(receiver)).toEqual([
      { id: idOf(1), state: "done", attempt: 1 },
      { id: idOf(2), state: "waiting", attempt: 0 },
    ]);
    const next = make();
    const ran: [string, number][] = [];
    next.process(async (j, { attempt }) => void ran.push([j.id, attempt]), 1);
    await until(async () => (await stateOf(receiver, idOf(2)))?.state === "done");
    expect(ran).toEqual([[idOf(2), 1]]);
  });
});

describe("Redis queue sweep", () => {
  it("dispatches a job whose receiver died before telling BullMQ, and frees one whose worker vanished", async () => {
    const receiver = track(createRedisQueue({ url: redis.url, prefix: "sweep" }));
    // The record is written, then the process dies before its BullMQ add.
    await receiver.store.submit(job(1), "k1");
    // A running record whose BullMQ job is gone (its worker and its lock with it).
    await receiver.store.submit(job(2), "k2");
    expect(await receiver.store.start(idOf(2), "ghost-host:1:dead", 3)).toMatchObject({
      kind: "run",
    });
    const worker = track(createRedisQueue({ url: redis.url, prefix: "sweep" }));
    const ran: [string, number][] = [];
    worker.process(async (j, { attempt }) => void ran.push([j.id, attempt]), 2);
    await until(async () => (await receiver.store.all()).every((r) => r.state === "done"));
    expect(ran.sort()).toEqual([
      [idOf(1), 1],
      [idOf(2), 2],
    ]);
  });
});

describe("Redis queue when Redis cannot be reached", () => {
  it("rejects submit and claimDelivery within seconds with a retryable error naming REDIS_URL", async () => {
    const queue: JobQueue & Pick<RedisQueue, "submit" | "claimDelivery"> = track(
      createRedisQueue({ url: await deadRedisUrl(), commandTimeoutMs: 1000 }),
    );
    for (const attempt of [() => queue.submit(job(1), "k1"), () => queue.claimDelivery("d-1")]) {
      const started = Date.now();
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(Date.now() - started).toBeLessThan(5000);
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as RedisUnavailableError).isRetryable).toBe(true);
      expect((error as RedisUnavailableError).userMessage).toMatch(
        /Redis at REDIS_URL \(redis:\/\/127\.0\.0\.1:\d+\) is unreachable/,
      );
    }
  });
  it("never shows the password of REDIS_URL", async () => {
    const url = (await deadRedisUrl()).replace("redis://", "redis://user:hunter2@");
    const queue = track(createRedisQueue({ url, commandTimeoutMs: 500 }));
    const error = (await queue.claimDelivery("d-1").catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect(`${error.message} ${(error as RedisUnavailableError).userMessage}`).not.toContain(
      "hunter2",
    );
    expect((error as RedisUnavailableError).userMessage).toContain("redis://user:***@127.0.0.1");
  });
});

describe("openQueue", () => {
  it("opens the Redis queue when REDIS_URL is set, and refuses a URL that is not redis://", async () => {
    const { openQueue } = await import("../../../src/queue/index.js");
    const { ConfigError, silentLogger } = await import("../../../src/core/index.js");
    const queue = openQueue({ dataDir: dir, redisUrl: redis.url, logger: silentLogger });
    try {
      expect(await queue.submit!(job(1), "k1")).toEqual({ outcome: "queued", jobId: idOf(1) });
      expect(await queue.claimDelivery!("d-1")).toBe(false);
    } finally {
      await queue.close();
    }
    expect(() =>
      openQueue({ dataDir: dir, redisUrl: "localhost:6379", logger: silentLogger }),
    ).toThrow(ConfigError);
  });
});
