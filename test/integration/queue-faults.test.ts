/**
 * Fault injection on the durable queues, with real processes: the real Probot receiver in
 * this process stores jobs in a SQLite file, or in a private redis-server; the real worker
 * (git workspace, sandbox, gate) runs in a child process (test/fixtures/queue/worker-child.mjs,
 * on dist/) against a fake GitHub over HTTP that keeps what was created. A worker is killed
 * with SIGKILL mid-job and another one started; deliveries are repeated and raced. Every case
 * runs on both adapters.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { statSync } from "node:fs";
import path from "node:path";
import { Probot } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import type { JobQueue } from "../../src/core/index.js";
import {
  RedisUnavailableError,
  createRedisQueue,
  createSqliteQueue,
  type RedisQueue,
  type SqliteQueue,
} from "../../src/queue/index.js";
import { startFakeGitHub, type FakeGitHub } from "../fakes/fake-github-server.js";
import { deadRedisUrl, startTestRedis, type TestRedis } from "../fakes/redis-server.js";
import { makeRemote, showFile, tempDir } from "../fakes/git-fixtures.js";
import { testProbotOptions, webhookExample } from "../fakes/github-nock.js";
import { BUGGY_SUM_PROJECT, SUM_FIX, SUM_ISSUE, SUM_PLAN } from "../fakes/js-project.js";

const OWNER = "Codertocat";
const NAME = "Hello-World";
const BOT = "patchsmith[bot]";
const BRANCH = "patchsmith/issue-1-sum-returns-the-difference";
const CHILD = path.resolve("test/fixtures/queue/worker-child.mjs");

let fake: FakeGitHub;
let remote: Awaited<ReturnType<typeof makeRemote>>;
let dbFile: string;
let workDir: string;
let queue: JobQueue;
let probot: Probot;
let redis: TestRedis;
let testNo = 0;
const children: ChildProcess[] = [];

type Adapter = "sqlite" | "redis";
interface JobRow {
  id: string;
  state: string;
  attempt: number;
}

beforeAll(async () => {
  // The child runs the built code: a stale dist/ would test something else.
  const sources = ["queue/sqlite-queue", "queue/sqlite-store", "publish/pull-request"];
  sources.push(
    "queue/redis-queue",
    "queue/redis-attempt",
    "queue/redis-store",
    "queue/redis-scripts",
  );
  for (const file of sources) {
    const built = statSync(path.resolve(`dist/${file}.js`), { throwIfNoEntry: false });
    if (!built || built.mtimeMs < statSync(path.resolve(`src/${file}.ts`)).mtimeMs) {
      throw new Error(`dist/${file}.js is missing or older than its source: run npm run build`);
    }
  }
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis?.stop();
});

describe.each<Adapter>(["sqlite", "redis"])("durable queue under faults: %s", (adapter) => {
  beforeEach(async () => {
    testNo++;
    remote = await makeRemote(OWNER, NAME, BUGGY_SUM_PROJECT);
    fake = await startFakeGitHub({
      owner: OWNER,
      name: NAME,
      issue: { number: 1, title: SUM_ISSUE.title, body: SUM_ISSUE.body, author: OWNER },
      botLogin: BOT,
    });
    const dir = await tempDir("patchsmith-queue-faults-");
    dbFile = path.join(dir, "data", "queue.db");
    workDir = path.join(dir, "work");
    queue =
      adapter === "redis"
        ? createRedisQueue({ url: redis.url, prefix: `faults${testNo}`, pollMs: 20 })
        : createSqliteQueue({ file: dbFile, pollMs: 20 });
    probot = new Probot({ ...testProbotOptions(), baseUrl: fake.url });
    await probot.load(createApp({ queue, botLogin: BOT }));
  });

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited(child);
      }
    }
    await queue.close();
    await fake.close();
    await remote.cleanup();
  });

  interface Worker {
    child: ChildProcess;
    lines: string[];
    stderr: string[];
  }

  function startWorker(): Promise<Worker> {
    const config = {
      adapter,
      dbFile,
      redisUrl: redis.url,
      prefix: `faults${testNo}`,
      githubUrl: fake.url,
      gitBase: remote.base,
      workDir,
      botLogin: BOT,
      // SQLite: long on purpose, recovery must come from the dead-owner check, not expiry.
      // Redis: a killed worker's job comes back when its BullMQ lock runs out.
      leaseMs: adapter === "redis" ? 5000 : 60_000,
      stalledIntervalMs: 500,
      plan: SUM_PLAN,
      fix: SUM_FIX,
    };
    const child = spawn(process.execPath, [CHILD, JSON.stringify(config)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    const worker: Worker = { child, lines: [], stderr: [] };
    child.stderr!.on("data", (d: Buffer) => worker.stderr.push(String(d)));
    return new Promise((resolve, reject) => {
      child.stdout!.on("data", (d: Buffer) => {
        for (const line of String(d).split("\n").filter(Boolean)) {
          worker.lines.push(line);
          if (line === "ready") resolve(worker);
        }
      });
      child.once("exit", (code) =>
        reject(new Error(`worker exited (${code}) before ready: ${worker.stderr.join("")}`)),
      );
    });
  }

  function exited(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => child.once("exit", () => resolve()));
  }

  /** The receiver's view of the stored jobs, whichever the adapter. */
  async function jobs(): Promise<JobRow[]> {
    const rows =
      adapter === "redis"
        ? await (queue as RedisQueue).store.all()
        : (queue as SqliteQueue).store.all();
    return rows.map(({ id, state, attempt }) => ({ id, state, attempt }));
  }
  const firstState = async () => (await jobs())[0]?.state;

  async function until(
    check: () => boolean | Promise<boolean>,
    what: string,
    ms = 60_000,
  ): Promise<void> {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  function labeled() {
    const payload = webhookExample("issues", "labeled");
    payload.label.name = "patchsmith";
    return payload;
  }

  function generateComment() {
    const payload = webhookExample("issue_comment", "created");
    payload.comment.body = "/generate";
    payload.comment.created_at = new Date().toISOString();
    return payload;
  }

  const receive = (id: string, name: string, payload: unknown) =>
    probot.receive({ id, name, payload } as never);

  const statusComments = () => fake.comments.filter((c) => c.body.includes("patchsmith:status"));

  it("the same delivery twice, and again after the job finished: one job, one PR", async () => {
    await receive("delivery-1", "issues", labeled());
    await receive("delivery-1", "issues", labeled());
    expect(await jobs()).toHaveLength(1);
    const worker = await startWorker();
    await until(async () => (await firstState()) === "done", "the job to finish");
    await receive("delivery-1", "issues", labeled());

    expect(await jobs()).toMatchObject([{ state: "done", attempt: 1 }]);
    expect(fake.pulls.map((p) => p.head.ref)).toEqual([BRANCH]);
    expect(fake.comments).toHaveLength(1);
    expect(fake.comments[0]!.body).toContain(fake.pulls[0]!.html_url);
    expect(showFile(remote.bare, BRANCH, "src/sum.js")).toContain("return a + b;");
    expect(fake.unexpected).toEqual([]);
    worker.child.kill("SIGTERM");
    await exited(worker.child);
    expect(worker.child.exitCode).toBe(0);
  }, 90_000);

  it("a worker killed with SIGKILL mid-job, then a new one: the job completes once, one PR, one status comment", async () => {
    await receive("delivery-2", "issues", labeled());
    const first = await startWorker();
    let pullsAtKill = -1;
    // Killed at its first status edit: the job has its lease and is on its way.
    fake.onRequest = (line) => {
      if (pullsAtKill < 0 && line.startsWith("PATCH") && line.includes("/issues/comments/")) {
        pullsAtKill = fake.pulls.length;
        first.child.kill("SIGKILL");
      }
    };
    await exited(first.child);
    expect(first.child.signalCode).toBe("SIGKILL");
    expect(pullsAtKill).toBe(0);
    expect(await jobs()).toMatchObject([{ state: "running", attempt: 1 }]);

    const second = await startWorker();
    await until(async () => (await firstState()) === "done", "the job to finish after the restart");
    const jobId = (await jobs())[0]!.id;
    expect(second.lines).toContain(`start ${jobId} 2`);
    expect(await jobs()).toMatchObject([{ state: "done", attempt: 2 }]);
    expect(fake.pulls).toHaveLength(1);
    expect(statusComments()).toHaveLength(1);
    expect(fake.comments).toHaveLength(1);
    expect(statusComments()[0]!.body).toContain(fake.pulls[0]!.html_url);
    expect(fake.unexpected).toEqual([]);
  }, 90_000);

  it("SIGTERM mid-job: the job finishes within the grace period or is handed back, never lost", async () => {
    await receive("delivery-3", "issues", labeled());
    const first = await startWorker();
    let signalled = false;
    fake.onRequest = (line) => {
      if (!signalled && line.startsWith("PATCH") && line.includes("/issues/comments/")) {
        signalled = true;
        first.child.kill("SIGTERM");
      }
    };
    await exited(first.child);
    expect(first.child.exitCode).toBe(0);
    const [afterStop] = await jobs();
    expect(["done", "waiting"]).toContain(afterStop?.state);
    if (afterStop?.state !== "done") {
      await startWorker();
      await until(async () => (await firstState()) === "done", "the handed-back job to finish");
    }
    expect(fake.pulls).toHaveLength(1);
    expect(statusComments()).toHaveLength(1);
    expect(fake.unexpected).toEqual([]);
  }, 90_000);

  it("the label and /generate at the same moment: one job, the other told it is already running", async () => {
    await Promise.all([
      receive("delivery-label", "issues", labeled()),
      receive("delivery-comment", "issue_comment", generateComment()),
    ]);
    expect(await jobs()).toHaveLength(1);
    expect(statusComments()).toHaveLength(1);
    expect(
      fake.comments.filter((c) => c.body.includes("already working on this issue")),
    ).toHaveLength(1);
    expect(fake.unexpected).toEqual([]);
  });
});

describe("Redis unreachable", () => {
  it("the webhook fails within seconds (Probot answers 5xx, GitHub keeps it as failed) and nothing is posted", async () => {
    const github = await startFakeGitHub({
      owner: OWNER,
      name: NAME,
      issue: { number: 1, title: SUM_ISSUE.title, body: SUM_ISSUE.body, author: OWNER },
      botLogin: BOT,
    });
    const down = createRedisQueue({ url: await deadRedisUrl(), commandTimeoutMs: 1000 });
    const app = new Probot({ ...testProbotOptions(), baseUrl: github.url });
    await app.load(createApp({ queue: down, botLogin: BOT }));
    try {
      const payload = webhookExample("issues", "labeled");
      payload.label.name = "patchsmith";
      const started = Date.now();
      const error = await app
        .receive({ id: "delivery-down", name: "issues", payload } as never)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(Date.now() - started).toBeLessThan(5000);
      // Probot gathers the handlers' errors; its server answers 500 for any of them.
      const [cause] = (error as AggregateError).errors;
      expect(cause).toBeInstanceOf(RedisUnavailableError);
      expect((cause as RedisUnavailableError).userMessage).toContain("REDIS_URL");
      expect(github.requests.filter((line) => !line.startsWith("GET"))).toEqual([]);
      expect(github.comments).toEqual([]);
    } finally {
      await down.close();
      await github.close();
    }
  });
});
