/**
 * Which ledger a worker counts spend in: with REDIS_URL one that every machine shares (a spend
 * added through one worker's ledger is seen through another's, and in Redis); without it the
 * SQLite file in the data directory.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { parseEnv } from "../../../src/config/index.js";
import { silentLogger } from "../../../src/core/index.js";
import { createRedisSpendLedger } from "../../../src/queue/index.js";
import { spendLedgerFor } from "../../../src/worker.js";
import { startTestRedis, type TestRedis } from "../../fakes/redis-server.js";

let redis: TestRedis;
let dir: string;
beforeAll(async () => {
  redis = await startTestRedis();
  dir = await mkdtemp(path.join(os.tmpdir(), "patchsmith-worker-ledger-"));
});
afterAll(async () => {
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
});

const scope = { kind: "repository", id: "octo/app" } as const;

test("with REDIS_URL two workers' ledgers share the spend through Redis, not the data dir", async () => {
  const env = parseEnv({ REDIS_URL: redis.url, PATCHSMITH_DATA_DIR: dir });
  const a = spendLedgerFor(env, silentLogger);
  const b = spendLedgerFor(env, silentLogger);
  const direct = createRedisSpendLedger({ url: redis.url });
  try {
    await a.add([scope], 0.25);
    await b.add([scope], 0.5);
    expect(await a.spentToday(scope)).toBeCloseTo(0.75);
    expect(await direct.spentToday(scope)).toBeCloseTo(0.75);
    expect(existsSync(path.join(dir, "spend.sqlite"))).toBe(false);
  } finally {
    await Promise.all([a.close(), b.close(), direct.close()]);
  }
});

test("without REDIS_URL the worker's ledger is spend.sqlite in the data directory", async () => {
  const env = parseEnv({ PATCHSMITH_DATA_DIR: dir });
  const ledger = spendLedgerFor(env, silentLogger);
  try {
    await ledger.add([scope], 0.1);
    expect(await ledger.spentToday(scope)).toBeCloseTo(0.1);
    expect(existsSync(path.join(dir, "spend.sqlite"))).toBe(true);
  } finally {
    await ledger.close();
  }
});
