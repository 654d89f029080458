import { describe, expect, it } from "vitest";
import type { Job, JobQueue } from "../../../src/core/index.js";
import { silentLogger } from "../../../src/core/index.js";
import {
  checkSuiteTrigger,
  createRecentlySeen,
  enqueueFeedback,
  isPatchsmithPullRequest,
  mentionsApp,
  reviewReplyTrigger,
  reviewSubmittedTrigger,
} from "../../../src/triggers/index.js";
import { webhookExample } from "../../fakes/github-nock.js";

const PREFIX = "patchsmith/";
const BRANCH = "patchsmith/issue-1-x";

function queueOf(): JobQueue & { jobs: Job[] } {
  const jobs: Job[] = [];
  const keys = new Set<string>();
  return {
    jobs,
    async enqueue(job, key) {
      if (keys.has(key)) return false;
      keys.add(key);
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
}

const writer = { getPermission: async () => "write" as const } as never;

describe("feedback triggers", () => {
  it("knows a patchsmith PR by its branch prefix or its state marker", () => {
    expect(isPatchsmithPullRequest({ head: { ref: BRANCH } }, PREFIX)).toBe(true);
    expect(isPatchsmithPullRequest({ head: { ref: "feature" }, body: "x" }, PREFIX)).toBe(false);
    expect(
      isPatchsmithPullRequest(
        { head: { ref: "x" }, body: '<!-- patchsmith:pr {"issue":1} -->' },
        PREFIX,
      ),
    ).toBe(true);
  });

  it("finds a mention of the app, not inside quotes or other words", () => {
    expect(mentionsApp("@patchsmith please rename this", "patchsmith")).toBe(true);
    expect(mentionsApp("thanks @patchsmith[bot]", "patchsmith")).toBe(true);
    expect(mentionsApp("> @patchsmith said so", "patchsmith")).toBe(false);
    expect(mentionsApp("@patchsmith-other", "patchsmith")).toBe(false);
    expect(mentionsApp("mail me@patchsmith.dev", "patchsmith")).toBe(false);
  });

  it("a reply in a thread and the submitted review it belongs to make one job", async () => {
    const review = webhookExample("pull_request_review", "submitted");
    review.pull_request.head.ref = BRANCH;
    review.review.id = 9;
    const reply = webhookExample("pull_request_review_comment", "created");
    reply.pull_request.head.ref = BRANCH;
    reply.comment.in_reply_to_id = 1;
    reply.comment.pull_request_review_id = 9;
    const queue = queueOf();
    const seen = createRecentlySeen();
    const replyTrigger = reviewReplyTrigger("d1", reply as never, PREFIX)!;
    expect(replyTrigger.feedback?.commentIds).toEqual([reply.comment.id]);
    const first = await enqueueFeedback({
      trigger: replyTrigger,
      github: writer,
      queue,
      seen,
      logger: silentLogger,
    });
    // The queue would refuse the second anyway while the first runs; the review key must
    // hold after it finished too, so use a queue that accepts everything for the second.
    const second = await enqueueFeedback({
      trigger: reviewSubmittedTrigger("d2", review as never, PREFIX)!,
      github: writer,
      queue: queueOf(),
      seen,
      logger: silentLogger,
    });
    expect([first, second]).toEqual(["queued", "ignored"]);
    expect(queue.jobs[0]).toMatchObject({ kind: "feedback", number: reply.pull_request.number });
  });

  it("a new review comment (no in_reply_to_id) is left to its review's event", () => {
    const comment = webhookExample("pull_request_review_comment", "created");
    comment.pull_request.head.ref = BRANCH;
    delete comment.comment.in_reply_to_id;
    expect(reviewReplyTrigger("d", comment as never, PREFIX)).toBeUndefined();
  });

  it("a check suite counts only when it failed on the PR's current head and is not ours", () => {
    const payload = webhookExample("check_suite", "completed");
    const suite = payload.check_suite;
    suite.head_branch = BRANCH;
    suite.conclusion = "failure";
    suite.app = { slug: "ci" };
    suite.pull_requests = [{ number: 2, head: { ref: BRANCH, sha: suite.head_sha } }];
    expect(checkSuiteTrigger("d", payload as never, PREFIX, "patchsmith")).toMatchObject({
      jobKind: "ci-repair",
      number: 2,
      ci: { headSha: suite.head_sha, checkSuiteId: suite.id },
    });
    suite.app = { slug: "patchsmith" };
    expect(checkSuiteTrigger("d", payload as never, PREFIX, "patchsmith")).toBeUndefined();
    suite.app = { slug: "ci" };
    suite.pull_requests = [{ number: 2, head: { ref: BRANCH, sha: "0".repeat(40) } }];
    expect(checkSuiteTrigger("d", payload as never, PREFIX, "patchsmith")).toBeUndefined();
    suite.pull_requests = [{ number: 2, head: { ref: BRANCH, sha: suite.head_sha } }];
    suite.conclusion = "success";
    expect(checkSuiteTrigger("d", payload as never, PREFIX, "patchsmith")).toBeUndefined();
  });
});
