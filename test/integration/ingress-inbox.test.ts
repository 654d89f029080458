/**
 * The acknowledging receiver through the real Probot server on loopback: the webhook is
 * answered once the delivery is in the SQLite inbox, and the GitHub calls (permission,
 * 👀, the status comment, the job) happen after the answer, in the inbox processor. A
 * process that dies between the answer and the handling loses nothing and doubles nothing.
 */
import { createHmac } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createNodeMiddleware, Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobQueue } from "../../src/core/index.js";
import { silentLogger } from "../../src/core/index.js";
import { replyMarker } from "../../src/app.js";
import { startInboxProcessor } from "../../src/inbox-processor.js";
import { createIngressApp, withoutEventClients } from "../../src/ingress.js";
import { createPrometheusMetrics } from "../../src/metrics/index.js";
import {
  createSqliteInbox,
  createSqliteQueue,
  type SqliteInbox,
  type SqliteQueue,
} from "../../src/queue/index.js";
import {
  TEST_WEBHOOK_SECRET,
  createTestProbot,
  testProbotOptions,
  useGitHubNock,
  webhookExample,
} from "../fakes/github-nock.js";

const gh = useGitHubNock();
const INSTALLATION = 4711;
const REPO = "/repos/Codertocat/Hello-World";
const MARKER = "<!-- patchsmith:status";

let dir: string;
let closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "patchsmith-ingress-"));
});
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
  await rm(dir, { recursive: true, force: true });
});

/** One "process": the inbox and queue files in `dir`, the HTTP server, optionally the processor. */
async function startProcess(
  options: { processor?: boolean; graceMs?: number; queue?: (q: SqliteQueue) => JobQueue } = {},
) {
  const inbox: SqliteInbox = createSqliteInbox({
    file: path.join(dir, "inbox.sqlite"),
    pollMs: 20,
    retry: { baseDelayMs: 10, maxDelayMs: 20 },
    graceMs: options.graceMs ?? 5_000,
  });
  const queue = createSqliteQueue({ file: path.join(dir, "queue.sqlite") });
  // As `patchsmith serve` sets it up (src/server.ts).
  const base = testProbotOptions();
  const ingress = new Probot({ ...base, Octokit: withoutEventClients(base.Octokit) });
  const middleware = await createNodeMiddleware(createIngressApp({ inbox }), { probot: ingress });
  const server: Server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await new Promise((resolve) => server.close(resolve));
    await inbox.close();
    await queue.close();
  };
  closers.push(stop);
  if (options.processor !== false) {
    await startInboxProcessor({
      inbox,
      probot: createTestProbot(),
      concurrency: 4,
      logger: silentLogger,
      app: { queue: options.queue ? options.queue(queue) : queue, botLogin: "patchsmith[bot]" },
    });
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  return { inbox, queue, url, stop };
}

function labeledBody(): string {
  const payload = webhookExample("issues", "labeled", INSTALLATION);
  payload.label.name = "patchsmith";
  return JSON.stringify(payload);
}

async function post(url: string, delivery: string, body = labeledBody()) {
  const started = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "issues",
      "x-github-delivery": delivery,
      "x-hub-signature-256": `sha256=${createHmac("sha256", TEST_WEBHOOK_SECRET).update(body).digest("hex")}`,
    },
    body,
  });
  await response.text();
  return { status: response.status, ms: performance.now() - started };
}

/** The GitHub calls that accepting a label trigger makes; `bodies` collects status comments. */
function accepted(bodies: string[], options: { delayMs?: number; commentId?: number } = {}) {
  const delay = options.delayMs ?? 0;
  gh.installationToken(INSTALLATION);
  gh.api()
    .get(`${REPO}/collaborators/Codertocat/permission`)
    .delay(delay)
    .reply(200, { permission: "write", role_name: "write" });
  gh.api().post(`${REPO}/issues/1/reactions`, { content: "eyes" }).reply(201, {});
  gh.api()
    .post(`${REPO}/issues/1/comments`, (b: { body: string }) => {
      bodies.push(b.body);
      return true;
    })
    .delay(delay)
    .reply(201, { id: options.commentId ?? 7001 });
}

/** Issue 1's comments, as a process handling a delivery again looks them up: one of ours. */
function botCommentOnIssue(id: number, body: string) {
  gh.api()
    .get(`${REPO}/issues/1/comments`)
    .query(true)
    .reply(200, [
      {
        id,
        body,
        user: { login: "patchsmith[bot]", type: "Bot" },
        created_at: "2026-01-01T00:00:00Z",
      },
    ]);
}

const is2xx = (status: number) => status >= 200 && status < 300;

describe("the ingress Probot's clients", () => {
  /** Deliveries stored through a Probot built on `wrap(Counting)`; how many clients it made. */
  async function clientsMadeFor(
    wrap: (c: ReturnType<typeof testProbotOptions>["Octokit"]) => typeof c,
    deliveries: number,
  ) {
    let made = 0;
    const Base = testProbotOptions().Octokit;
    class Counting extends Base {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      constructor(...args: any[]) {
        super(...args);
        made++;
      }
    }
    const inbox = createSqliteInbox({ file: path.join(dir, `inbox-${deliveries}.sqlite`) });
    closers.push(() => inbox.close());
    const probot = new Probot({ ...testProbotOptions(), Octokit: wrap(Counting) });
    const middleware = await createNodeMiddleware(createIngressApp({ inbox }), { probot });
    const server: Server = createServer((req, res) => {
      void middleware(req, res, () => res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
    const before = made;
    for (let n = 0; n < deliveries; n++)
      expect(is2xx((await post(url, `c-${n}`)).status)).toBe(true);
    expect(await inbox.pending()).toBe(deliveries);
    return { made: made - before, probot };
  }

  it("builds no GitHub client per delivery; app.auth() still gives a working installation client", async () => {
    // Probot's default: a client per event.
    expect((await clientsMadeFor((c) => c, 5)).made).toBe(5);
    const { made, probot } = await clientsMadeFor(withoutEventClients, 5);
    expect(made).toBe(1); // the one unauthenticated client all events share
    gh.installationToken(INSTALLATION);
    gh.api().get(`${REPO}/issues/1`).reply(200, { number: 1 });
    const installation = (await probot.auth(INSTALLATION)) as unknown as {
      request: (route: string) => Promise<{ data: { number: number } }>;
    };
    expect((await installation.request(`GET ${REPO}/issues/1`)).data.number).toBe(1);
  });
});

describe("acknowledge first, handle after", () => {
  it("answers 2xx long before a slow GitHub answers; the job and its status comment come after", async () => {
    const bodies: string[] = [];
    accepted(bodies, { delayMs: 1_500 });
    const { inbox, queue, url } = await startProcess();

    const ack = await post(url, "slow-1");
    expect(is2xx(ack.status)).toBe(true);
    expect(ack.ms).toBeLessThan(500);
    expect(queue.store.all()).toEqual([]);

    await inbox.drain();
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toContain(MARKER);
    expect(queue.store.all().map((j) => [j.id, j.job.statusCommentId])).toEqual([
      ["Codertocat/Hello-World#1@slow-1", 7001],
    ]);
  });

  it("a delivery stored by a process that died before handling it is handled after the restart, exactly once", async () => {
    const first = await startProcess({ processor: false });
    expect(is2xx((await post(first.url, "crash-1")).status)).toBe(true);
    const prometheus = createPrometheusMetrics({ inboxPending: () => first.inbox.pending() });
    expect(await prometheus.registry.metrics()).toContain("patchsmith_inbox_pending 1");
    await first.stop();

    const bodies: string[] = [];
    accepted(bodies);
    const second = await startProcess();
    await second.inbox.drain();
    expect(second.queue.store.all().map((j) => j.id)).toEqual(["Codertocat/Hello-World#1@crash-1"]);
    await second.stop();

    // A third start finds nothing to do: no mock, so any GitHub request would fail the test.
    const third = await startProcess();
    await third.inbox.drain();
    expect(bodies).toHaveLength(1);
    expect(third.queue.store.all()).toHaveLength(1);
  });

  it("a process that died after the status comment and before the job: the comment is reused, one job", async () => {
    const bodies: string[] = [];
    accepted(bodies, { commentId: 7002 });
    let submitting = false;
    const first = await startProcess({
      graceMs: 20,
      // The process "dies" inside submit: the status comment exists, the job does not.
      queue: (q) => ({
        ...q,
        submit: () => {
          submitting = true;
          return new Promise(() => {});
        },
      }),
    });
    expect(is2xx((await post(first.url, "half-1")).status)).toBe(true);
    while (!submitting) await new Promise((r) => setTimeout(r, 10));
    expect(first.queue.store.all()).toEqual([]);
    await first.stop();

    gh.installationToken(INSTALLATION);
    gh.api()
      .get(`${REPO}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "write", role_name: "write" });
    gh.api().post(`${REPO}/issues/1/reactions`, { content: "eyes" }).reply(200, {});
    botCommentOnIssue(7002, bodies[0]!);
    const second = await startProcess();
    await second.inbox.drain();
    expect(bodies).toHaveLength(1);
    expect(second.queue.store.all().map((j) => [j.id, j.job.statusCommentId])).toEqual([
      ["Codertocat/Hello-World#1@half-1", 7002],
    ]);
  });

  it("a process that died right after posting a refusal: handled again, the refusal is not posted twice", async () => {
    const bodies: string[] = [];
    const refusedBy = () => {
      gh.installationToken(INSTALLATION);
      gh.api()
        .get(`${REPO}/collaborators/Codertocat/permission`)
        .reply(200, { permission: "read", role_name: "read" });
    };
    refusedBy();
    // GitHub has the reply; the process dies before it sees the answer.
    gh.api()
      .post(`${REPO}/issues/1/comments`, (b: { body: string }) => {
        bodies.push(b.body);
        return true;
      })
      .delay(5_000)
      .reply(201, { id: 7003 });
    const first = await startProcess({ graceMs: 20 });
    expect(is2xx((await post(first.url, "refused-1")).status)).toBe(true);
    while (bodies.length === 0) await new Promise((r) => setTimeout(r, 10));
    await first.stop();
    expect(bodies[0]).toContain("@Codertocat");
    expect(bodies[0]).toContain(replyMarker("refused-1"));

    refusedBy();
    botCommentOnIssue(7003, bodies[0]!);
    const second = await startProcess();
    await second.inbox.drain();
    expect(bodies).toHaveLength(1);
    expect(second.queue.store.all()).toEqual([]);
  });

  it("a redelivered delivery id is a duplicate: answered 2xx, handled once", async () => {
    const bodies: string[] = [];
    accepted(bodies);
    const { inbox, queue, url } = await startProcess();
    expect(is2xx((await post(url, "again-1")).status)).toBe(true);
    await inbox.drain();
    expect(is2xx((await post(url, "again-1")).status)).toBe(true);
    await inbox.drain();
    expect(bodies).toHaveLength(1);
    expect(queue.store.all()).toHaveLength(1);
  });

  it("a 502 from GitHub is retried by the inbox (no status comment lookup: the failure was seen here)", async () => {
    const bodies: string[] = [];
    gh.api()
      .get(`${REPO}/collaborators/Codertocat/permission`)
      .reply(502, { message: "Bad Gateway" });
    accepted(bodies);
    const { inbox, queue, url } = await startProcess();
    expect(is2xx((await post(url, "retry-1")).status)).toBe(true);
    await inbox.drain();
    expect(bodies).toHaveLength(1);
    expect(queue.store.all()).toHaveLength(1);
  });

  it("a store that fails answers 5xx, and nothing reaches GitHub", async () => {
    const { inbox, url } = await startProcess();
    await inbox.close();
    const ack = await post(url, "down-1");
    expect(ack.status).toBeGreaterThanOrEqual(500);
  });
});
