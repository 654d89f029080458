/**
 * The receiver on the SQLite queue through the real Probot: a redelivery after a restart
 * (a new process: new in-memory dedupe) makes no second job and no second status
 * comment; the label and `/generate` together make one job; new instructions while a run
 * is going are queued behind it, and the user is told which.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { createSqliteQueue, type SqliteQueue } from "../../src/queue/index.js";
import { createTestProbot, useGitHubNock, webhookExample } from "../fakes/github-nock.js";

const gh = useGitHubNock();
const INSTALLATION = 4711;
const REPO = "/repos/Codertocat/Hello-World";
const MARKER = "<!-- patchsmith:status";

let dir: string;
let queues: SqliteQueue[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "patchsmith-receiver-durable-"));
});
afterEach(async () => {
  for (const q of queues) await q.close();
  queues = [];
  await rm(dir, { recursive: true, force: true });
});

/** A fresh "process": a new Probot, a new app (empty memory), the same queue file. */
async function start() {
  const queue = createSqliteQueue({ file: path.join(dir, "queue.sqlite"), pollMs: 20 });
  queues.push(queue);
  const probot = createTestProbot();
  await probot.load(createApp({ queue, botLogin: "patchsmith[bot]" }));
  return { probot, queue };
}

function accepted(statusId: number, bodies: string[], reaction = `${REPO}/issues/1/reactions`) {
  gh.api().get(`${REPO}/collaborators/Codertocat/permission`).reply(200, { role_name: "write" });
  gh.api().post(reaction).reply(201, {});
  gh.api()
    .post(`${REPO}/issues/1/comments`, (b: { body: string }) => {
      bodies.push(b.body);
      return true;
    })
    .reply(201, { id: statusId });
}

const labeled = () => {
  const payload = webhookExample("issues", "labeled", INSTALLATION);
  payload.label.name = "patchsmith";
  return payload;
};
const comment = (body: string) => {
  const payload = webhookExample("issue_comment", "created", INSTALLATION);
  payload.comment.body = body;
  return payload;
};

describe("receiver on the durable queue", () => {
  it("a redelivery after a restart makes no second job and no second status comment", async () => {
    gh.installationToken(INSTALLATION);
    const bodies: string[] = [];
    accepted(6001, bodies);
    const first = await start();
    await first.probot.receive({ id: "d-1", name: "issues", payload: labeled() as never });
    await first.queue.close();

    const second = await start();
    // No mock for the second process: any request it made to GitHub would fail the test.
    await second.probot.receive({ id: "d-1", name: "issues", payload: labeled() as never });
    expect(bodies).toHaveLength(1);
    const jobs = second.queue.store.all();
    expect(jobs.map((j) => [j.id, j.state, j.job.statusCommentId])).toEqual([
      ["Codertocat/Hello-World#1@d-1", "waiting", 6001],
    ]);
  });

  it("the label and /generate at the same moment: one job; new instructions queue behind", async () => {
    gh.installationToken(INSTALLATION);
    const bodies: string[] = [];
    const edits: string[] = [];
    const { probot, queue } = await start();
    const generate = comment("/generate");
    const withInstructions = comment("/generate also update the docs");
    withInstructions.comment.id = generate.comment.id + 1;
    accepted(6002, bodies);
    accepted(6003, bodies, `${REPO}/issues/comments/${generate.comment.id}/reactions`);
    accepted(6004, bodies, `${REPO}/issues/comments/${withInstructions.comment.id}/reactions`);
    for (const id of [6003, 6004]) {
      gh.api()
        .patch(`${REPO}/issues/comments/${id}`, (b: { body: string }) => {
          edits.push(`${id}: ${b.body}`);
          return true;
        })
        .reply(200, {});
    }
    await Promise.all([
      probot.receive({ id: "d-label", name: "issues", payload: labeled() as never }),
      probot.receive({ id: "d-generate", name: "issue_comment", payload: generate as never }),
    ]);
    // Make the first job "running" as a worker would, then ask for more.
    queue.store.claimNext("test-worker", 60_000, 3);
    await probot.receive({
      id: "d-more",
      name: "issue_comment",
      payload: withInstructions as never,
    });

    expect(bodies.every((b) => b.includes(MARKER))).toBe(true);
    const jobs = queue.store.all();
    expect(jobs.map((j) => [j.job.trigger.deliveryId, j.state])).toEqual([
      [jobs[0]!.job.trigger.deliveryId, "running"],
      ["d-more", "waiting"],
    ]);
    expect(jobs[1]!.job.instructions).toBe("also update the docs");
    expect(edits.some((e) => /already working on this issue/.test(e))).toBe(true);
    expect(edits.some((e) => e.startsWith("6004:") && /queued and starts as soon/.test(e))).toBe(
      true,
    );
  });

  it("a 502 on the status comment POST after GitHub created it: that comment, no second one", async () => {
    gh.installationToken(INSTALLATION);
    gh.api().get(`${REPO}/collaborators/Codertocat/permission`).reply(200, { role_name: "write" });
    gh.api().post(`${REPO}/issues/1/reactions`).reply(201, {});
    let created = "";
    gh.api()
      .post(`${REPO}/issues/1/comments`, (b: { body: string }) => {
        created = b.body;
        return true;
      })
      .once()
      .reply(502, { message: "Bad Gateway" });
    gh.api()
      .get(`${REPO}/issues/1/comments`)
      .query(true)
      .reply(200, () => [
        {
          id: 6100,
          body: created,
          user: { login: "patchsmith[bot]", type: "Bot" },
          created_at: "2026-01-01T00:00:00Z",
        },
      ]);
    const { probot, queue } = await start();
    await probot.receive({ id: "d-502", name: "issues", payload: labeled() as never });
    expect(created).toContain(MARKER);
    expect(queue.store.all().map((j) => j.job.statusCommentId)).toEqual([6100]);
  });
  it("a store that fails on the delivery claim leaves the delivery free for its redelivery", async () => {
    gh.installationToken(INSTALLATION);
    const bodies: string[] = [];
    accepted(6200, bodies);
    const queue = createSqliteQueue({ file: path.join(dir, "queue.sqlite"), pollMs: 20 });
    queues.push(queue);
    const claim = queue.claimDelivery.bind(queue);
    let failures = 1;
    queue.claimDelivery = async (id) => {
      if (failures-- > 0) throw new Error("store unreachable");
      return claim(id);
    };
    const probot = createTestProbot();
    await probot.load(createApp({ queue, botLogin: "patchsmith[bot]" }));
    await expect(
      probot.receive({ id: "d-down", name: "issues", payload: labeled() as never }),
    ).rejects.toThrow(/store unreachable/);
    // GitHub redelivers the failed delivery to the same process: it must not be "already handled".
    await probot.receive({ id: "d-down", name: "issues", payload: labeled() as never });
    expect(bodies).toHaveLength(1);
    expect(queue.store.all().map((j) => j.id)).toEqual(["Codertocat/Hello-World#1@d-down"]);
  });
});
