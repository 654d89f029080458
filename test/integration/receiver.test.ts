/**
 * The receiver through Probot with real example payloads: every GitHub request is a
 * strict nock, and jobs land in a recording queue (the worker is not under test here).
 */
import type { Probot } from "probot";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import type { Job, JobQueue } from "../../src/core/index.js";
import { createInProcessQueue } from "../../src/queue/index.js";
import { createTestProbot, useGitHubNock, webhookExample } from "../fakes/github-nock.js";

const gh = useGitHubNock();
const INSTALLATION = 4711;
const REPO = "/repos/Codertocat/Hello-World";
const MARKER = "<!-- patchsmith:status";

function labeledPayload(labelName = "patchsmith") {
  const payload = webhookExample("issues", "labeled", INSTALLATION);
  payload.label.name = labelName;
  return payload;
}

function commentPayload(body: string, user?: { login: string; type: string }) {
  const payload = webhookExample("issue_comment", "created", INSTALLATION);
  payload.comment.body = body;
  if (user) {
    payload.comment.user = { ...payload.comment.user, ...user };
    payload.sender = { ...payload.sender, ...user };
  }
  return payload;
}

/** Records jobs and holds dedupe keys like a queue whose jobs never finish. */
function recordingQueue(): JobQueue & { jobs: { job: Job; key: string }[] } {
  const jobs: { job: Job; key: string }[] = [];
  return {
    jobs,
    async enqueue(job, key) {
      if (jobs.some((j) => j.key === key)) return false;
      jobs.push({ job, key });
      return true;
    },
    process() {},
    async cancel(key) {
      const index = jobs.findIndex((j) => j.key === key);
      if (index >= 0) jobs.splice(index, 1);
      return index >= 0;
    },
    async drain() {},
    async close() {},
  };
}

let probot: Probot;
let queue: ReturnType<typeof recordingQueue>;

beforeEach(async () => {
  probot = createTestProbot();
  queue = recordingQueue();
  await probot.load(createApp({ queue, botLogin: "patchsmith[bot]" }));
});

function permission(user: string, role: string, times = 1) {
  return gh
    .api()
    .get(`${REPO}/collaborators/${user}/permission`)
    .times(times)
    .reply(200, { permission: role, role_name: role });
}

describe("receiver", () => {
  it("a label by a writer: permission asked, eyes on the issue, queued status comment, one job", async () => {
    gh.installationToken(INSTALLATION);
    permission("Codertocat", "write");
    gh.api().post(`${REPO}/issues/1/reactions`, { content: "eyes" }).reply(201, {});
    const statusBodies: string[] = [];
    gh.api()
      .post(`${REPO}/issues/1/comments`, (body: { body: string }) => {
        statusBodies.push(body.body);
        return true;
      })
      .reply(201, { id: 5001 });

    await probot.receive({
      id: "delivery-label-1",
      name: "issues",
      payload: labeledPayload() as never,
    });

    expect(statusBodies).toHaveLength(1);
    expect(statusBodies[0]).toContain(MARKER);
    expect(statusBodies[0]).toMatch(/queued/i);
    expect(queue.jobs).toEqual([
      {
        key: "codertocat/hello-world#1",
        job: {
          id: "Codertocat/Hello-World#1@delivery-label-1",
          kind: "issue",
          repo: { owner: "Codertocat", name: "Hello-World" },
          installationId: INSTALLATION,
          number: 1,
          trigger: {
            deliveryId: "delivery-label-1",
            actor: "Codertocat",
            kind: "label",
            at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          },
          mode: "implement",
          statusCommentId: 5001,
        },
      },
    ]);
  });

  it("a different label: nothing happens", async () => {
    await probot.receive({
      id: "delivery-label-2",
      name: "issues",
      payload: labeledPayload("bug") as never,
    });
    expect(queue.jobs).toEqual([]);
  });

  it("`/generate tests please add X` by a maintainer: mode tests, the instructions, eyes on the comment", async () => {
    gh.installationToken(INSTALLATION);
    permission("Codertocat", "maintain");
    const payload = commentPayload("Thanks for the report.\n/generate tests please add X");
    gh.api()
      .post(`${REPO}/issues/comments/${payload.comment.id}/reactions`, { content: "eyes" })
      .reply(201, {});
    gh.api()
      .post(`${REPO}/issues/1/comments`, (b: { body: string }) => b.body.includes(MARKER))
      .reply(201, { id: 5002 });

    await probot.receive({
      id: "delivery-comment-1",
      name: "issue_comment",
      payload: payload as never,
    });

    expect(queue.jobs).toHaveLength(1);
    expect(queue.jobs[0]!.job).toMatchObject({
      mode: "tests",
      instructions: "please add X",
      trigger: {
        kind: "comment",
        actor: "Codertocat",
        commentId: payload.comment.id,
        at: payload.comment.created_at,
      },
    });
  });

  it("a read-only user: no job, a polite reply that says who may trigger and how to ask", async () => {
    gh.installationToken(INSTALLATION);
    permission("Codertocat", "read");
    const replies: string[] = [];
    gh.api()
      .post(`${REPO}/issues/1/comments`, (b: { body: string }) => {
        replies.push(b.body);
        return true;
      })
      .reply(201, { id: 5003 });

    await probot.receive({
      id: "delivery-comment-2",
      name: "issue_comment",
      payload: commentPayload("/generate") as never,
    });

    expect(queue.jobs).toEqual([]);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain("@Codertocat");
    expect(replies[0]).toMatch(/write.*maintain.*admin/);
    expect(replies[0]).toContain("**read**");
    expect(replies[0]).toMatch(/ask a maintainer/i);
    expect(replies[0]).not.toContain(MARKER);
  });

  it("a read-only user who insists: the permission is asked each time, the reply is said once", async () => {
    gh.installationToken(INSTALLATION);
    permission("Codertocat", "read", 3);
    gh.api().post(`${REPO}/issues/1/comments`).reply(201, { id: 5008 });
    for (const id of ["insist-1", "insist-2", "insist-3"]) {
      await probot.receive({
        id,
        name: "issue_comment",
        payload: commentPayload("/generate") as never,
      });
    }
    expect(queue.jobs).toEqual([]);
  });

  it("a webhook without an installation: nothing happens", async () => {
    const payload = commentPayload("/generate");
    delete payload.installation;
    await probot.receive({
      id: "delivery-no-installation",
      name: "issue_comment",
      payload: payload as never,
    });
    expect(queue.jobs).toEqual([]);
  });

  it("a non-collaborator (permission 404): no job, a reply", async () => {
    gh.installationToken(INSTALLATION);
    gh.api()
      .get(`${REPO}/collaborators/Codertocat/permission`)
      .reply(404, { message: "Not Found" });
    gh.api()
      .post(`${REPO}/issues/1/comments`, (b: { body: string }) => /ask a maintainer/i.test(b.body))
      .reply(201, { id: 5004 });
    await probot.receive({
      id: "delivery-comment-3",
      name: "issue_comment",
      payload: commentPayload("/generate") as never,
    });
    expect(queue.jobs).toEqual([]);
  });

  it.each([
    ["another app", { login: "dependabot[bot]", type: "Bot" }],
    ["this app", { login: "patchsmith[bot]", type: "Bot" }],
    ["a user account named like the app", { login: "patchsmith[bot]", type: "User" }],
  ])("a comment by %s: nothing happens, not a single request", async (_who, user) => {
    await probot.receive({
      id: `delivery-bot-${user.login}-${user.type}`,
      name: "issue_comment",
      payload: commentPayload("/generate", user) as never,
    });
    await probot.receive({
      id: `delivery-bot-label-${user.type}`,
      name: "issues",
      payload: { ...labeledPayload(), sender: { ...labeledPayload().sender, ...user } } as never,
    });
    expect(queue.jobs).toEqual([]);
  });

  it("a comment without a command: nothing happens", async () => {
    await probot.receive({
      id: "delivery-plain",
      name: "issue_comment",
      payload: commentPayload("I can reproduce this.\n> /generate") as never,
    });
    expect(queue.jobs).toEqual([]);
  });

  it("the same delivery twice: one job", async () => {
    gh.installationToken(INSTALLATION);
    permission("Codertocat", "admin");
    gh.api().post(`${REPO}/issues/1/reactions`).reply(201, {});
    gh.api().post(`${REPO}/issues/1/comments`).reply(201, { id: 5005 });

    await probot.receive({
      id: "delivery-twice",
      name: "issues",
      payload: labeledPayload() as never,
    });
    await probot.receive({
      id: "delivery-twice",
      name: "issues",
      payload: labeledPayload() as never,
    });

    expect(queue.jobs).toHaveLength(1);
  });

  it("a second trigger while one is queued: one job, and the second answer says it is already running", async () => {
    gh.installationToken(INSTALLATION);
    permission("Codertocat", "write", 2);
    const payload = commentPayload("/generate docs");
    gh.api().post(`${REPO}/issues/1/reactions`).reply(201, {});
    gh.api().post(`${REPO}/issues/comments/${payload.comment.id}/reactions`).reply(201, {});
    gh.api().post(`${REPO}/issues/1/comments`).reply(201, { id: 6001 });
    gh.api().post(`${REPO}/issues/1/comments`).reply(201, { id: 6002 });
    const edits: string[] = [];
    gh.api()
      .patch(`${REPO}/issues/comments/6002`, (b: { body: string }) => {
        edits.push(b.body);
        return true;
      })
      .reply(200, {});

    await probot.receive({
      id: "delivery-first",
      name: "issues",
      payload: labeledPayload() as never,
    });
    await probot.receive({
      id: "delivery-second",
      name: "issue_comment",
      payload: payload as never,
    });

    expect(queue.jobs.map((j) => j.job.trigger.deliveryId)).toEqual(["delivery-first"]);
    expect(edits).toHaveLength(1);
    expect(edits[0]).toMatch(/already working on this issue/);
    expect(edits[0]).not.toContain(MARKER);
  });

  it("`/generate` on a pull request: a pointer to issues and review comments, no job", async () => {
    gh.installationToken(INSTALLATION);
    const payload = commentPayload("/generate");
    payload.issue.pull_request = {
      url: "https://api.github.com/repos/Codertocat/Hello-World/pulls/1",
    };
    gh.api()
      .post(`${REPO}/issues/1/comments`, (b: { body: string }) => /works on issues/.test(b.body))
      .reply(201, { id: 5006 });
    await probot.receive({ id: "delivery-pr", name: "issue_comment", payload: payload as never });
    expect(queue.jobs).toEqual([]);
  });

  it("`/approve` or `/plan` on a pull request: left alone", async () => {
    for (const body of ["/approve", "/plan"]) {
      const payload = commentPayload(body);
      payload.issue.pull_request = {
        url: "https://api.github.com/repos/Codertocat/Hello-World/pulls/1",
      };
      await probot.receive({
        id: `delivery-pr-${body}`,
        name: "issue_comment",
        payload: payload as never,
      });
    }
    expect(queue.jobs).toEqual([]);
  });

  it("`/cancel` by a writer removes the queued job and says so", async () => {
    gh.installationToken(INSTALLATION);
    permission("Codertocat", "write", 2);
    gh.api().post(`${REPO}/issues/1/reactions`).reply(201, {});
    gh.api().post(`${REPO}/issues/1/comments`).reply(201, { id: 7001 });
    const payload = commentPayload("/cancel");
    gh.api().post(`${REPO}/issues/comments/${payload.comment.id}/reactions`).reply(201, {});
    // The job never started, so the receiver marks its queued status comment cancelled.
    gh.api()
      .get(`${REPO}/issues/1/comments`)
      .query(true)
      .reply(200, [
        {
          id: 7001,
          body: '<!-- patchsmith:status {"job":"j","step":"queued","outcome":"running"} -->',
          user: { login: "patchsmith[bot]", type: "Bot" },
          created_at: "2026-01-01T00:00:00Z",
        },
      ]);
    gh.api()
      .patch(`${REPO}/issues/comments/7001`, (b: { body: string }) => /cancelled/.test(b.body))
      .reply(200, {});
    gh.api()
      .post(`${REPO}/issues/1/comments`, (b: { body: string }) => /is cancelled/.test(b.body))
      .reply(201, { id: 7002 });
    gh.api()
      .post(`${REPO}/issues/comments/${payload.comment.id}/reactions`, { content: "rocket" })
      .reply(201, {});

    await probot.receive({
      id: "delivery-queue",
      name: "issues",
      payload: labeledPayload() as never,
    });
    await probot.receive({
      id: "delivery-cancel",
      name: "issue_comment",
      payload: payload as never,
    });

    expect(queue.jobs).toEqual([]);
  });

  it("a queue that refuses the job: the status comment says so instead of staying queued", async () => {
    const closed = createInProcessQueue();
    await closed.close();
    probot = createTestProbot();
    await probot.load(createApp({ queue: closed, botLogin: "patchsmith[bot]" }));
    gh.installationToken(INSTALLATION);
    permission("Codertocat", "write");
    gh.api().post(`${REPO}/issues/1/reactions`).reply(201, {});
    gh.api().post(`${REPO}/issues/1/comments`).reply(201, { id: 8001 });
    gh.api()
      .patch(`${REPO}/issues/comments/8001`, (b: { body: string }) =>
        /could not queue this run: patchsmith is shutting down/.test(b.body),
      )
      .reply(200, {});
    await expect(
      probot.receive({ id: "delivery-closed", name: "issues", payload: labeledPayload() as never }),
    ).rejects.toThrow(/closed/);
  });

  it("a failed GitHub call fails the delivery, and a redelivery is processed again", async () => {
    gh.installationToken(INSTALLATION);
    gh.api()
      .get(`${REPO}/collaborators/Codertocat/permission`)
      .reply(502, { message: "Bad gateway" });
    await expect(
      probot.receive({ id: "delivery-retry", name: "issues", payload: labeledPayload() as never }),
    ).rejects.toThrow(/502/);

    permission("Codertocat", "write");
    gh.api().post(`${REPO}/issues/1/reactions`).reply(201, {});
    gh.api().post(`${REPO}/issues/1/comments`).reply(201, { id: 5007 });
    await probot.receive({
      id: "delivery-retry",
      name: "issues",
      payload: labeledPayload() as never,
    });
    expect(queue.jobs).toHaveLength(1);
  });
});
