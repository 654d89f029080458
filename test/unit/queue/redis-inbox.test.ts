import { createServer, type AddressInfo, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PatchsmithError, silentLogger } from "../../../src/core/index.js";
import type { InboxDelivery } from "../../../src/core/index.js";
import {
  DELIVERY_RETENTION_MS,
  REDIS_INBOX_PREFIX,
  createRedisInbox,
  openInbox,
  type RedisInbox,
  type RedisInboxOptions,
} from "../../../src/queue/index.js";
import { deadRedisUrl, startTestRedis, type TestRedis } from "../../fakes/redis-server.js";
import { handOverFromStoppedOwner } from "../../fakes/stopped-owner.js";

const delivery = (n: number): InboxDelivery => ({
  id: `d-${n}`,
  name: "issues",
  payload: { action: "labeled", n, text: "ünïcødé ✓" },
  receivedAt: 1_000 + n,
});

const until = async (check: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
};

let redis: TestRedis;
let admin: Redis;
let open: RedisInbox[] = [];
const make = (options: Partial<RedisInboxOptions> = {}) => {
  const inbox = createRedisInbox({
    url: redis.url,
    pollMs: 20,
    retry: { baseDelayMs: 20, maxDelayMs: 80 },
    ...options,
  });
  open.push(inbox);
  return inbox;
};
const key = (name: string) => `${REDIS_INBOX_PREFIX}:${name}`;

beforeAll(async () => {
  redis = await startTestRedis();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  admin.disconnect();
  await redis.stop();
});
afterEach(async () => {
  for (const inbox of open) await inbox.close();
  open = [];
  await admin.flushall();
});

describe("createRedisInbox", () => {
  it("stores a delivery once across processes, also when two receivers race on the same id", async () => {
    const a = make();
    const b = make();
    expect(await a.put(delivery(1))).toBe("stored");
    expect(await b.put(delivery(1))).toBe("duplicate");
    const raced = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).put(delivery(2))),
    );
    expect(raced.filter((r) => r === "stored")).toHaveLength(1);
    expect(await a.pending()).toBe(2);
    expect(await admin.llen(key("ready"))).toBe(2);
  });

  it("remembers a handled id for at least 3 days (a Redis expiry), then forgets it", async () => {
    const inbox = make({ retentionMs: 1 }); // below the floor: 3 days still hold
    await inbox.put(delivery(1));
    const seen: string[] = [];
    inbox.process(async (d) => void seen.push(d.id), 1);
    await inbox.drain();
    expect(seen).toEqual(["d-1"]);
    expect(await inbox.pending()).toBe(0);
    expect(await admin.hlen(key("data"))).toBe(0); // the payload is gone, the id is not
    const ttl = await admin.pttl(key("seen:d-1"));
    expect(ttl).toBeGreaterThan(DELIVERY_RETENTION_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(DELIVERY_RETENTION_MS);
    expect(await inbox.put(delivery(1))).toBe("duplicate");
    await admin.pexpire(key("seen:d-1"), 1); // as if the 3 days had passed
    await until(async () => (await admin.exists(key("seen:d-1"))) === 0);
    expect(await inbox.put(delivery(1))).toBe("stored");
  });

  it("hands deliveries out oldest first, at most `concurrency` at a time, with the payload intact", async () => {
    const inbox = make();
    for (let n = 1; n <= 6; n++) await inbox.put(delivery(n));
    const started: InboxDelivery[] = [];
    let active = 0;
    let most = 0;
    inbox.process(async (d) => {
      started.push(d);
      most = Math.max(most, ++active);
      await new Promise((r) => setTimeout(r, 40));
      active--;
    }, 2);
    await inbox.drain();
    expect(started.map((d) => d.id)).toEqual(["d-1", "d-2", "d-3", "d-4", "d-5", "d-6"]);
    expect(most).toBe(2);
    expect(started[0]).toEqual(delivery(1));
  });

  it("two processors share the work: each delivery is handled exactly once", async () => {
    const a = make();
    const b = make();
    const handledBy = new Map<string, string[]>();
    const handler = (who: string) => async (d: InboxDelivery) => {
      handledBy.set(d.id, [...(handledBy.get(d.id) ?? []), who]);
      await new Promise((r) => setTimeout(r, 5));
    };
    a.process(handler("a"), 2);
    b.process(handler("b"), 2);
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).put(delivery(i))));
    await until(() => handledBy.size === 30);
    await a.drain();
    await b.drain();
    expect([...handledBy.values()].every((who) => who.length === 1)).toBe(true);
    expect(new Set([...handledBy.values()].flat())).toEqual(new Set(["a", "b"]));
  });

  it("retries a retryable failure with backoff, and gives up at once on a user error", async () => {
    const inbox = make({ retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 400 } });
    const attempts: { id: string; attempt: number; at: number }[] = [];
    inbox.process(async (d, { attempt }) => {
      attempts.push({ id: d.id, attempt, at: Date.now() });
      if (d.id === "d-1" && attempt < 3)
        throw new PatchsmithError("GitHub 502", { isRetryable: true });
      if (d.id === "d-2") throw new PatchsmithError("no permission", { isRetryable: false });
    }, 1);
    await inbox.put(delivery(1));
    await inbox.put(delivery(2));
    await inbox.drain();
    const first = attempts.filter((a) => a.id === "d-1");
    expect(first.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // base·2^(n-1) with a jitter of 0.5–1.5: at least 50 ms, then at least 100 ms.
    expect(first[1]!.at - first[0]!.at).toBeGreaterThanOrEqual(45);
    expect(first[2]!.at - first[1]!.at).toBeGreaterThanOrEqual(95);
    expect(attempts.filter((a) => a.id === "d-2").map((a) => a.attempt)).toEqual([1]);
    expect(await admin.zrange(key("failed"), "0", "-1")).toEqual(["d-2"]);
    expect(await admin.hget(key("errors"), "d-2")).toBe("no permission");
    expect(await inbox.pending()).toBe(0);
  });

  it("poke() makes a processor look for another process's delivery before its next poll", async () => {
    const receiver = make();
    const processor = make({ pollMs: 60_000 });
    const seen: string[] = [];
    processor.process(async (d) => void seen.push(d.id), 1);
    await new Promise((r) => setTimeout(r, 50)); // the first claim found nothing
    await receiver.put(delivery(1));
    processor.poke();
    await until(() => seen.length === 1, 2000);
  });

  it("renews the lease of a long handler, so no other processor takes its delivery", async () => {
    const a = make({ leaseMs: 150 });
    const b = make({ leaseMs: 150 });
    const runs: string[] = [];
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    a.process(async (d) => {
      runs.push(`a:${d.id}`);
      await slow;
    }, 1);
    await a.put(delivery(1));
    await until(() => runs.length === 1);
    b.process(async (d) => void runs.push(`b:${d.id}`), 1);
    await new Promise((r) => setTimeout(r, 600)); // four leases long
    release();
    await a.drain();
    expect(runs).toEqual(["a:d-1"]);
  });

  it("what a stopped owner of this process held (a thread that died) is handed out again at once; a live owner's is not", async () => {
    const { attempts, live } = await handOverFromStoppedOwner(make, delivery);
    expect(attempts).toEqual(["stopped:d-1", "live:d-2", "next:d-1:2"]);
    expect(await admin.hget(key("owner"), "d-2")).toBe(live.owner);
  });

  it("on close, hands back a delivery still running after the grace period; another processor runs it", async () => {
    const a = make({ graceMs: 50 });
    const attempts: string[] = [];
    a.process(async (d, { attempt }) => {
      attempts.push(`a:${attempt}`);
      await new Promise(() => undefined);
    }, 1);
    await a.put(delivery(1));
    await until(() => attempts.length === 1);
    await a.close();
    expect(await a.put(delivery(2)).catch((e: unknown) => e)).toBeInstanceOf(PatchsmithError);
    const b = make();
    b.process(async (_d, { attempt }) => void attempts.push(`b:${attempt}`), 1);
    await b.drain();
    expect(attempts).toEqual(["a:1", "b:2"]);
  });

  it("rejects put() within seconds when Redis cannot be reached, with a retryable error naming REDIS_URL", async () => {
    const url = await deadRedisUrl();
    const inbox = createRedisInbox({ url });
    open.push(inbox);
    const started = Date.now();
    const error = await inbox.put(delivery(1)).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(PatchsmithError);
    expect((error as PatchsmithError).isRetryable).toBe(true);
    expect((error as PatchsmithError).message).toContain(`Redis at ${url} did not answer`);
    expect((error as PatchsmithError).userMessage).toContain(
      `Redis at REDIS_URL (${url}) is unreachable`,
    );
    await expect(inbox.pending()).rejects.toThrow(/did not answer/);
  });

  it("rejects put() within the command timeout when Redis accepts the connection but never answers", async () => {
    const sockets: Socket[] = [];
    const hung = createServer((socket) => void sockets.push(socket)); // reads nothing, says nothing
    await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
    const url = `redis://127.0.0.1:${(hung.address() as AddressInfo).port}`;
    const inbox = createRedisInbox({ url });
    try {
      const started = Date.now();
      const error = await inbox.put(delivery(1)).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(error).toBeInstanceOf(PatchsmithError);
      expect((error as PatchsmithError).isRetryable).toBe(true);
    } finally {
      await inbox.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => hung.close(resolve));
    }
  });

  it("openInbox uses Redis when REDIS_URL is set", async () => {
    const inbox = openInbox({ dataDir: "/nonexistent", redisUrl: redis.url, logger: silentLogger });
    open.push(inbox as RedisInbox);
    expect(await inbox.put(delivery(9))).toBe("stored");
    expect(await admin.hexists(key("data"), "d-9")).toBe(1);
  });
});
