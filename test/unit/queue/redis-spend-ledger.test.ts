import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { PatchsmithError } from "../../../src/core/index.js";
import type { SpendScope } from "../../../src/core/index.js";
import {
  SPEND_RETENTION_SECONDS,
  createRedisSpendLedger,
  type RedisSpendLedger,
} from "../../../src/queue/index.js";
import { deadRedisUrl, startTestRedis, type TestRedis } from "../../fakes/redis-server.js";

const repo: SpendScope = { kind: "repository", id: "octo/hello" };
const installation: SpendScope = { kind: "installation", id: "4711" };
const monday = new Date("2026-03-02T23:59:59Z");
const tuesday = new Date("2026-03-03T00:00:01Z");

let redis: TestRedis;
let admin: Redis;
let open: RedisSpendLedger[] = [];
const make = () => {
  const ledger = createRedisSpendLedger({ url: redis.url });
  open.push(ledger);
  return ledger;
};

beforeAll(async () => {
  redis = await startTestRedis();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  admin.disconnect();
  await redis.stop();
});
afterEach(async () => {
  for (const ledger of open) await ledger.close();
  open = [];
  await admin.flushall();
});

it("adds each call to every scope's total for its UTC day, shared by every ledger on the Redis", async () => {
  const a = make();
  const b = make();
  expect(await a.spentToday(repo, monday)).toBe(0);
  await a.add([repo, installation], 0.25, monday);
  await b.add([repo], 0.5, monday);
  await b.add([repo, installation], 1, tuesday);
  expect(await b.spentToday(repo, monday)).toBeCloseTo(0.75, 10);
  expect(await a.spentToday(installation, monday)).toBeCloseTo(0.25, 10);
  expect(await a.spentToday(repo, tuesday)).toBeCloseTo(1, 10);
  expect(await a.spentToday({ kind: "repository", id: "octo/other" }, monday)).toBe(0);
});

it("keeps the sum exact under concurrent adds from two ledgers", async () => {
  const a = make();
  const b = make();
  await Promise.all(
    Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).add([repo, installation], 0.001, monday)),
  );
  expect(await a.spentToday(repo, monday)).toBeCloseTo(0.2, 9);
  expect(await b.spentToday(installation, monday)).toBeCloseTo(0.2, 9);
});

it("lets a day's counters expire after about 35 days", async () => {
  const ledger = make();
  await ledger.add([repo, installation], 0.1, monday);
  const keys = await admin.keys("patchsmith:spend:*");
  expect(keys.sort()).toEqual([
    "patchsmith:spend:2026-03-02:installation:4711",
    "patchsmith:spend:2026-03-02:repository:octo%2Fhello",
  ]);
  for (const key of keys) {
    const ttl = await admin.ttl(key);
    expect(ttl).toBeGreaterThan(SPEND_RETENTION_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(SPEND_RETENTION_SECONDS);
  }
  expect(SPEND_RETENTION_SECONDS).toBe(35 * 24 * 3600);
});

it("refuses a negative spend, and fails fast with a retryable error when Redis is down", async () => {
  const ledger = make();
  await expect(ledger.add([repo], -1, monday)).rejects.toThrow(/>= 0/);
  const url = await deadRedisUrl();
  const dead = createRedisSpendLedger({ url });
  open.push(dead);
  const started = Date.now();
  const error = await dead.add([repo], 0.1).catch((e: unknown) => e);
  expect(Date.now() - started).toBeLessThan(3000);
  expect(error).toBeInstanceOf(PatchsmithError);
  expect((error as PatchsmithError).isRetryable).toBe(true);
  expect((error as PatchsmithError).message).toContain("did not answer");
  await expect(dead.spentToday(repo)).rejects.toThrow(/did not answer/);
});
