/**
 * Real worker processes on the SQLite queue and on the Redis queue: killed with SIGKILL
 * mid-job and started again, the job completes once; SIGTERM mid-job lets it finish within
 * the grace period, or hands it back so the next worker runs it. The child runs the built
 * queue (dist/, which `npm test` builds first).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Job } from "../../src/core/index.js";
import {
  createRedisQueue,
  createSqliteQueue,
  type RedisQueue,
  type SqliteQueue,
} from "../../src/queue/index.js";
import { startTestRedis, type TestRedis } from "../fakes/redis-server.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const built = path.join(root, "dist/queue/index.js");
const child = path.join(root, "test/fakes/sqlite-worker-child.mjs");

let dir: string;
let db: string;
let log: string;
let receiver: SqliteQueue | RedisQueue;
let redis: TestRedis;
let testNo = 0;
const children: ChildProcess[] = [];

const job: Job = {
  id: "job-1",
  kind: "issue",
  repo: { owner: "acme", name: "widgets" },
  number: 1,
  trigger: { deliveryId: "d-1", actor: "alice", kind: "label", at: "2026-01-01T00:00:00Z" },
  mode: "implement",
};

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe.each(["sqlite", "redis"] as const)("worker processes on the %s queue", (adapter) => {
  beforeEach(async () => {
    testNo++;
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
    dir = await mkdtemp(path.join(os.tmpdir(), "patchsmith-crash-"));
    db = path.join(dir, "queue.sqlite");
    log = path.join(dir, "log.txt");
    receiver =
      adapter === "redis"
        ? createRedisQueue({ url: redis.url, prefix: `crash${testNo}` })
        : createSqliteQueue({ file: db });
    await receiver.submit(job, "acme/widgets#1");
  });

  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  const lines = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []);

  async function until(check: () => boolean | Promise<boolean>, ms = 10_000) {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out; log:\n${lines().join("\n")}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  function startWorker(mode: "hang" | "slow", graceMs = 5000) {
    const store = adapter === "redis" ? redis.url : db;
    const args = [child, built, store, log, mode, String(graceMs), `crash${testNo}`];
    const proc = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] });
    children.push(proc);
    const exited = new Promise<number | null>((resolve) =>
      proc.on("exit", (code) => resolve(code)),
    );
    return { proc, exited };
  }

  const state = async () => await receiver.store.get("job-1");
  it("SIGKILL mid-job, then a new worker: the job completes, exactly once", async () => {
    const first = startWorker("hang");
    await until(() => lines().some((l) => l.startsWith("start job-1 1")));
    first.proc.kill("SIGKILL");
    await first.exited;
    expect((await state())?.state).toBe("running"); // the dead worker's lease is still there

    startWorker("hang");
    await until(async () => (await state())?.state === "done");
    const done = lines().filter((l) => l.startsWith("done"));
    expect(done).toEqual(["done job-1 2"]);
    expect((await state())?.attempt).toBe(2);
  });

  it("SIGTERM mid-job: the job finishes within the grace period, then the worker exits", async () => {
    const worker = startWorker("slow");
    await until(() => lines().some((l) => l.startsWith("start job-1 1")));
    worker.proc.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(lines().filter((l) => l.startsWith("done"))).toEqual(["done job-1 1"]);
    expect((await state())?.state).toBe("done");
  });

  it("SIGTERM past the grace period: the job is handed back and the next worker runs it", async () => {
    const worker = startWorker("hang", 100);
    await until(() => lines().some((l) => l.startsWith("start job-1 1")));
    worker.proc.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(await state()).toMatchObject({ state: "waiting", attempt: 0 });

    startWorker("slow");
    await until(async () => (await state())?.state === "done");
    expect(lines().filter((l) => l.startsWith("done"))).toEqual(["done job-1 1"]);
  });
});
