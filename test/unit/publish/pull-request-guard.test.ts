/**
 * A 502 on POST /pulls after GitHub created the pull request (the answer was lost, not
 * the write): publishing finds the pull request by its branch instead of failing or
 * POSTing again, so a retried job still ends with exactly one pull request.
 */
import { Octokit } from "@octokit/rest";
import { describe, expect, it } from "vitest";
import type { Checkout } from "../../../src/core/index.js";
import { createOctokitGitHub } from "../../../src/github/index.js";
import { publishPullRequest } from "../../../src/publish/index.js";
import { useGitHubNock } from "../../fakes/github-nock.js";

const gh = useGitHubNock();
const repo = { owner: "acme", name: "widgets" };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const BRANCH = "patchsmith/issue-7-add-a-thing";

// Only what publishing touches; git itself is covered by the workspace tests.
const checkout = {
  branch: BRANCH,
  baseSha: "a".repeat(40),
  commit: async () => "b".repeat(40),
  headSha: async () => "b".repeat(40),
  push: async () => {},
} as unknown as Checkout;

const pull = {
  number: 42,
  html_url: "https://github.com/acme/widgets/pull/42",
  head: { ref: BRANCH },
  base: { ref: "main" },
  draft: false,
  body: "the body",
};

const input = () => ({
  github: createOctokitGitHub(new Octokit({ auth: "t", log: quiet })),
  repo,
  checkout,
  base: "main",
  title: "Add a thing",
  body: "the body",
  draft: false,
  commitMessage: "Add a thing",
  author: { name: "patchsmith[bot]", email: "bot@example.com" },
});

describe("publishPullRequest after a lost answer", () => {
  it("a 502 on POST /pulls when the pull request exists: one POST, that pull request", async () => {
    gh.api().get("/repos/acme/widgets/pulls").query(true).reply(200, []);
    gh.api().post("/repos/acme/widgets/pulls").once().reply(502, { message: "Bad Gateway" });
    gh.api().get("/repos/acme/widgets/pulls").query(true).reply(200, [pull]);
    const result = await publishPullRequest(input());
    expect(result.pullRequest.number).toBe(42);
    expect(result.created).toBe(true);
  });

  it("a 502 when nothing was created: the error goes on (the queue retries the job)", async () => {
    gh.api().get("/repos/acme/widgets/pulls").query(true).twice().reply(200, []);
    gh.api().post("/repos/acme/widgets/pulls").reply(502, { message: "Bad Gateway" });
    await expect(publishPullRequest(input())).rejects.toMatchObject({ isRetryable: true });
  });
});
