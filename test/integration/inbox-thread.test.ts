/**
 * The threads `patchsmith serve` runs, from the compiled modules (a thread cannot start from
 * .ts sources; `npm test` builds first): the inbox's writer thread stores deliveries with
 * group commit, and the processor thread handles them against a GitHub over real HTTP
 * (nock cannot see into a thread). Deliveries stored while no processor ran are handled when
 * one starts, once.
 */
import { existsSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger, type Logger } from "../../src/core/index.js";
import type * as InboxThreadModule from "../../src/inbox-thread.js";
import type * as QueueModule from "../../src/queue/index.js";
import type * as IntakeModule from "../../src/queue/sqlite-inbox-intake.js";
import { startFakeGitHub, type FakeGitHub } from "../fakes/fake-github-server.js";
import { TEST_APP_ID, testPrivateKey, webhookExample } from "../fakes/github-nock.js";

const dist = path.resolve(import.meta.dirname, "../../dist");
const load = async <T>(file: string): Promise<T> => {
  const full = path.join(dist, file);
  if (!existsSync(full)) throw new Error(`${full} is missing: run \`npm run build\` first`);
  return (await import(pathToFileURL(full).href)) as T;
};

let dir: string;
let github: FakeGitHub;
const repository = {
  owner: "Codertocat",
  name: "Hello-World",
  issue: { number: 1, title: "t", body: "b", author: "Codertocat" },
  botLogin: "patchsmith[bot]",
};
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "patchsmith-inbox-thread-"));
  github = await startFakeGitHub(repository);
});
afterEach(async () => {
  await github.close();
  await rm(dir, { recursive: true, force: true });
});

/** The processor thread's settings and environment: this test's data dir and fake GitHub. */
const processorSettings = () => ({
  dataDir: dir,
  botLogin: "patchsmith[bot]",
  concurrency: 2,
  logLevel: "silent",
  githubBaseUrl: github.url,
  githubThrottling: false,
});
const processorEnv = () => ({
  APP_ID: String(TEST_APP_ID),
  PRIVATE_KEY: testPrivateKey(),
  LOG_LEVEL: "silent",
});

const labeled = (id: string) => {
  const payload = webhookExample("issues", "labeled", 4711);
  payload.label.name = "patchsmith";
  return { id, name: "issues", payload, receivedAt: Date.now() };
};

describe("the inbox threads of patchsmith serve", () => {
  it("the writer thread stores concurrent puts, each id once, durably", async () => {
    const queues = await load<typeof QueueModule>("queue/index.js");
    const file = path.join(dir, "inbox.sqlite");
    const inbox = queues.createSqliteInbox({ file });
    const ids = Array.from({ length: 40 }, (_, i) => `d-${i % 30}`);
    const results = await Promise.all(ids.map((id) => inbox.put(labeled(id))));
    expect(inbox.intakeMode()).toBe("thread");
    expect(results.filter((r) => r === "stored")).toHaveLength(30);
    expect(results.filter((r) => r === "duplicate")).toHaveLength(10);
    await inbox.close();
    await expect(inbox.put(labeled("late"))).rejects.toThrow(/closed/);
    const reopened = queues.createSqliteInbox({ file });
    expect(await reopened.pending()).toBe(30);
    await reopened.close();
  });

  it("a writer thread that stops fails the put it had; the next put starts a new one and stores", async () => {
    const queues = await load<typeof QueueModule>("queue/index.js");
    const intakes = await load<typeof IntakeModule>("queue/sqlite-inbox-intake.js");
    const file = path.join(dir, "inbox.sqlite");
    await queues.createSqliteInbox({ file, storesDeliveries: false }).close(); // the schema
    writeFileSync(path.join(dir, "crash-on-put"), "");
    const intake = intakes.openInboxIntake(file, {
      entry: pathToFileURL(
        path.resolve(import.meta.dirname, "../fixtures/inbox-writer-crashing.mjs"),
      ),
    });
    // Answered 5xx by the ingress: GitHub keeps it as a failed delivery.
    await expect(intake.put(labeled("w-1"), Date.now())).rejects.toThrow(/writer thread exited/);
    expect(await intake.put(labeled("w-1"), Date.now())).toBe(true);
    expect(await intake.put(labeled("w-1"), Date.now())).toBe(false);
    await intake.close();
    const reopened = queues.createSqliteInbox({ file });
    expect(await reopened.pending()).toBe(1);
    await reopened.close();
  });

  it("stored with no processor running, handled once when the processor thread starts", async () => {
    const queues = await load<typeof QueueModule>("queue/index.js");
    const threads = await load<typeof InboxThreadModule>("inbox-thread.js");
    const receiver = queues.openInbox({ dataDir: dir, logger: silentLogger });
    expect(await receiver.put(labeled("t-1"))).toBe("stored");
    await receiver.close();

    const settings = processorSettings();
    const env = processorEnv();
    const processor = await threads.startInboxProcessorThread(settings, {
      logger: silentLogger,
      env,
    });
    expect(processor.mode).toBe("thread");
    await processor.drain();
    await processor.close();

    // A second start finds nothing left to do.
    const again = await threads.startInboxProcessorThread(settings, { logger: silentLogger, env });
    await again.drain();
    await again.close();

    expect(github.unexpected).toEqual([]);
    const status = github.comments.filter((c) => c.body.includes("<!-- patchsmith:status"));
    expect(status).toHaveLength(1);
    const queue = queues.createSqliteQueue({ file: path.join(dir, queues.QUEUE_FILE) });
    expect(queue.store.all().map((j) => [j.id, j.job.statusCommentId])).toEqual([
      ["Codertocat/Hello-World#1@t-1", status[0]!.id],
    ]);
    await queue.close();
  });

  it("a processor thread that stops is started again, and handles what is stored next", async () => {
    const queues = await load<typeof QueueModule>("queue/index.js");
    const threads = await load<typeof InboxThreadModule>("inbox-thread.js");
    writeFileSync(path.join(dir, "crash-on-poke"), "");
    const logged: { level: "info" | "error"; msg: string }[] = [];
    const record =
      (level: "info" | "error") =>
      (obj: object | string, msg?: string): void =>
        void logged.push({ level, msg: typeof obj === "string" ? obj : (msg ?? "") });
    const logger: Logger = {
      debug() {},
      info: record("info"),
      warn() {},
      error: record("error"),
      child: () => logger,
    };
    const processor = await threads.startInboxProcessorThread(processorSettings(), {
      logger,
      env: processorEnv(),
      entry: pathToFileURL(
        path.resolve(import.meta.dirname, "../fixtures/inbox-thread-crashing.mjs"),
      ),
      restartDelayMs: 50,
    });
    processor.poke(); // the thread crashes
    // Asked while no thread runs: answered by the thread started again.
    const drained = processor.drain();
    await expect
      .poll(() => logged.map((l) => l.msg), { timeout: 10_000 })
      .toContain("the inbox processor thread is running again");
    await drained;
    expect(logged).toContainEqual({
      level: "error",
      msg: "the inbox processor thread stopped; it will be started again",
    });

    const receiver = threads.pokingOnPut(
      queues.openInbox({ dataDir: dir, logger: silentLogger }),
      () => processor,
    );
    expect(await receiver.put(labeled("t-1"))).toBe("stored");
    await processor.drain();
    await receiver.close();
    await processor.close();

    expect(github.unexpected).toEqual([]);
    expect(github.comments.filter((c) => c.body.includes("<!-- patchsmith:status"))).toHaveLength(
      1,
    );
    const queue = queues.createSqliteQueue({ file: path.join(dir, queues.QUEUE_FILE) });
    expect(queue.store.all().map((j) => j.id)).toEqual(["Codertocat/Hello-World#1@t-1"]);
    await queue.close();
  });

  it("a delivery the stopped thread was handling is handled by the next thread at once, not after its 60 s lease", async () => {
    const token = "POST /app/installations/4711/access_tokens";
    await github.close();
    github = await startFakeGitHub({ ...repository, holdFirst: token });
    const queues = await load<typeof QueueModule>("queue/index.js");
    const threads = await load<typeof InboxThreadModule>("inbox-thread.js");
    const processor = await threads.startInboxProcessorThread(processorSettings(), {
      logger: silentLogger,
      env: processorEnv(),
      entry: pathToFileURL(
        path.resolve(import.meta.dirname, "../fixtures/inbox-thread-crashing.mjs"),
      ),
      restartDelayMs: 50,
    });
    const receiver = threads.pokingOnPut(
      queues.openInbox({ dataDir: dir, logger: silentLogger }),
      () => processor,
    );
    expect(await receiver.put(labeled("t-1"))).toBe("stored");
    // Claimed (leased for 60 s) and in flight: its first GitHub call gets no answer.
    await expect.poll(() => github.requests, { timeout: 10_000 }).toContain(token);
    writeFileSync(path.join(dir, "crash-on-poke"), "");
    processor.poke(); // the thread crashes mid-delivery
    const statusComments = () =>
      github.comments.filter((c) => c.body.includes("<!-- patchsmith:status"));
    await expect.poll(() => statusComments().length, { timeout: 15_000 }).toBe(1);
    await processor.drain();
    await receiver.close();
    await processor.close();

    expect(github.requests.filter((r) => r === token).length).toBeGreaterThanOrEqual(2);
    expect(statusComments()).toHaveLength(1);
    const queue = queues.createSqliteQueue({ file: path.join(dir, queues.QUEUE_FILE) });
    expect(queue.store.all().map((j) => j.id)).toEqual(["Codertocat/Hello-World#1@t-1"]);
    await queue.close();
  });
});
