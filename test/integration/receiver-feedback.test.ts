/**
 * The receiver's side of feedback: comments on a patchsmith pull request become feedback
 * jobs (recorded, not run), with every GitHub request a strict nock.
 */
import type { Probot } from "probot";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import type { Job, JobQueue } from "../../src/core/index.js";
import { createTestProbot, useGitHubNock, webhookExample } from "../fakes/github-nock.js";

const gh = useGitHubNock();
const INSTALLATION = 4711;
const REPO = "/repos/Codertocat/Hello-World";
const BRANCH = "patchsmith/issue-1-x";
const MARKER = '<!-- patchsmith:pr {"issue":1} -->';

let probot: Probot;
let jobs: Job[];
let busy: boolean;

beforeEach(async () => {
  probot = createTestProbot();
  jobs = [];
  busy = false;
  const queue: JobQueue = {
    async enqueue(job) {
      if (busy) return false;
      jobs.push(job);
      return true;
    },
    process() {},
    async cancel() {
      return false;
    },
    async drain() {},
    async close() {},
  };
  await probot.load(createApp({ queue, botLogin: "patchsmith[bot]" }));
});

function permission(user: string, role: string) {
  gh.api()
    .get(`${REPO}/collaborators/${user}/permission`)
    .reply(200, { permission: role, role_name: role });
}

function prComment(body: string, prBody = MARKER) {
  const payload = webhookExample("issue_comment", "created", INSTALLATION);
  payload.issue.pull_request = { url: "https://api.github.com/repos/x/pulls/1" };
  payload.issue.body = prBody;
  payload.comment.body = body;
  payload.comment.created_at = new Date().toISOString();
  return payload;
}

describe("receiver: feedback on a patchsmith pull request", () => {
  it("/generate on the PR conversation makes one feedback job for that comment, with eyes", async () => {
    gh.installationToken(INSTALLATION);
    permission("Codertocat", "write");
    const payload = prComment("/generate also handle zero");
    gh.api()
      .post(`${REPO}/issues/comments/${payload.comment.id}/reactions`, { content: "eyes" })
      .reply(201, {});
    await probot.receive({ id: "c1", name: "issue_comment", payload } as never);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      kind: "feedback",
      number: payload.issue.number,
      feedback: { commentIds: [payload.comment.id] },
    });
  });

  it("a mention of the app by a read-only user is ignored", async () => {
    gh.installationToken(INSTALLATION);
    permission("Codertocat", "read");
    await probot.receive({
      id: "c2",
      name: "issue_comment",
      payload: prComment("@patchsmith rename it"),
    } as never);
    expect(jobs).toEqual([]);
  });

  it("a reply in a review thread makes a feedback job for the reply", async () => {
    gh.installationToken(INSTALLATION);
    permission("Codertocat", "write");
    const payload = webhookExample("pull_request_review_comment", "created", INSTALLATION);
    payload.pull_request.head.ref = BRANCH;
    payload.comment.in_reply_to_id = 1;
    await probot.receive({ id: "c3", name: "pull_request_review_comment", payload } as never);
    expect(jobs.map((j) => [j.kind, j.feedback?.commentIds])).toEqual([
      ["feedback", [payload.comment.id]],
    ]);
  });

  it("feedback while a round runs gets one note instead of vanishing", async () => {
    busy = true;
    gh.installationToken(INSTALLATION);
    permission("Codertocat", "write");
    const payload = prComment("@patchsmith one more thing");
    const notes: string[] = [];
    gh.api()
      .post(`${REPO}/issues/${payload.issue.number}/comments`, (b: { body: string }) => {
        notes.push(b.body);
        return true;
      })
      .reply(201, { id: 1 });
    await probot.receive({ id: "c5", name: "issue_comment", payload } as never);
    expect(jobs).toEqual([]);
    expect(notes[0]).toContain("already working on this pull request");
  });

  it("a comment that neither asks nor mentions makes nothing", async () => {
    await probot.receive({
      id: "c4",
      name: "issue_comment",
      payload: prComment("looks good to me"),
    } as never);
    expect(jobs).toEqual([]);
  });
});
