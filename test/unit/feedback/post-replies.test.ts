import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/core/index.js";
import { postReplies, type FeedbackItem } from "../../../src/feedback/index.js";

function fakeGitHub() {
  const calls = {
    replies: [] as { id: number; body: string }[],
    resolved: [] as string[],
    comments: [] as string[],
  };
  const github = {
    replyToReviewComment: async (_r: unknown, _n: number, id: number, body: string) => {
      calls.replies.push({ id, body });
    },
    resolveReviewThread: async (_r: unknown, id: string) => {
      calls.resolved.push(id);
    },
    createComment: async (_r: unknown, _n: number, body: string) => {
      calls.comments.push(body);
      return { id: 1 };
    },
  };
  return { github: github as never, calls };
}

const inline = (id: number, thread: string): FeedbackItem => ({
  id,
  kind: "review-comment",
  author: "alice",
  body: "fix it",
  path: "a.js",
  thread: { id: thread, isResolved: false, history: [] },
});

const base = {
  repo: { owner: "o", name: "r" },
  pullNumber: 2,
  roundLabel: "feedback round 1",
  round: 1,
  maxRounds: 5,
  costUsd: "0.10",
  logger: silentLogger,
};

describe("answering feedback", () => {
  it("keeps every thread open when the gate still fails, and says why", async () => {
    const { github, calls } = fakeGitHub();
    await postReplies({
      ...base,
      github,
      items: [inline(1, "t1")],
      report: { summary: "s", verdicts: [{ id: 1, addressed: true, reply: "Renamed it." }] },
      sha: "abcdef1234567",
      gateFailed: "tests",
    });
    expect(calls.resolved).toEqual([]);
    expect(calls.replies[0]!.body).toContain("quality gate still fails (tests)");
    expect(calls.replies[0]!.body).toContain("abcdef1");
  });

  it("resolves a thread once even when two of its comments were addressed; the review body gets one summary", async () => {
    const { github, calls } = fakeGitHub();
    await postReplies({
      ...base,
      github,
      items: [
        inline(1, "t1"),
        inline(2, "t1"),
        { id: 9, kind: "review-body", author: "alice", body: "Overall: tidy up." },
      ],
      report: {
        summary: "Tidied up.",
        verdicts: [
          { id: 1, addressed: true, reply: "Done." },
          { id: 2, addressed: true, reply: "Done too." },
          { id: 9, addressed: true, reply: "Tidied." },
        ],
      },
      sha: "abcdef1234567",
    });
    expect(calls.replies.map((r) => r.id)).toEqual([1, 2]);
    expect(calls.resolved).toEqual(["t1"]);
    expect(calls.comments).toHaveLength(1);
    expect(calls.comments[0]).toContain("Overall: tidy up.");
    expect(calls.comments[0]).toContain("Tidied up.");
  });
});
