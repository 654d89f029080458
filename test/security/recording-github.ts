/** An in-memory GitHub port that records everything written to it, for leak assertions. */
import type { GitHub, Issue, Permission, PullRequestRef } from "../../src/core/index.js";

export interface RecordingGitHub extends GitHub {
  written: string[];
  pullRequests: { draft: boolean; body: string; title: string }[];
  tokenRequests: unknown[];
}

export function recordingGitHub(options: {
  issue: Issue;
  permissions: Record<string, Permission>;
  token: string;
}): RecordingGitHub {
  const written: string[] = [];
  const pullRequests: RecordingGitHub["pullRequests"] = [];
  const tokenRequests: unknown[] = [];
  let id = 100;
  const pr = (body: string, draft: boolean): PullRequestRef => ({
    number: 2,
    url: "https://github.com/o/r/pull/2",
    head: "h",
    base: "main",
    draft,
    body,
  });
  return {
    written,
    pullRequests,
    tokenRequests,
    getIssue: async () => structuredClone(options.issue),
    getDefaultBranch: async () => "main",
    getPermission: async (_repo, user) => options.permissions[user] ?? "none",
    createComment: async (_r, _n, body) => {
      written.push(body);
      return { id: id++ };
    },
    updateComment: async (_r, _id, body) => void written.push(body),
    findComment: async () => undefined,
    addReaction: async () => {},
    findPullRequest: async () => undefined,
    createPullRequest: async (_r, input) => {
      written.push(input.title, input.body);
      pullRequests.push({ draft: input.draft, body: input.body, title: input.title });
      return pr(input.body, input.draft);
    },
    updatePullRequest: async (_r, _n, input) => {
      written.push(input.title ?? "", input.body ?? "");
      return pr(input.body ?? "", false);
    },
    createCheckRun: async (_r, input) =>
      void written.push(input.title, input.summary, ...input.annotations.map((a) => a.message)),
    listReviewThreads: async () => [],
    replyToReviewComment: async (_r, _p, _c, body) => void written.push(body),
    resolveReviewThread: async () => {},
    // The issue pipeline never reads pull-request feedback; asking is a test failure.
    getPullRequest: unexpected("getPullRequest"),
    listReviewComments: unexpected("listReviewComments"),
    getReview: unexpected("getReview"),
    listFailedChecks: unexpected("listFailedChecks"),
    getRepositoryToken: async (_repo, permissions) => {
      tokenRequests.push(permissions);
      return options.token;
    },
  };
}

function unexpected(name: string): () => never {
  return () => {
    throw new Error(`unexpected GitHub call in the issue pipeline: ${name}`);
  };
}
