/**
 * A job that runs again must not open a second pull request: an existing PR for the branch
 * is updated, and a create that failed after GitHub made the PR (a 502 from the proxy) is
 * found by its head instead of failing or being retried into a duplicate.
 */
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RemoteError } from "../../../src/core/index.js";
import { createOctokitGitHub } from "../../../src/github/index.js";
import { publishPullRequest } from "../../../src/publish/index.js";
import { useGitHubNock } from "../../fakes/github-nock.js";
import { createTempCheckout, type TempCheckout } from "../../fakes/temp-checkout.js";

const gh = useGitHubNock();
const repo = { owner: "acme", name: "widgets" };
const REPO = "/repos/acme/widgets";
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const pull = (number: number, ref: string) => ({
  number,
  html_url: `https://github.com/acme/widgets/pull/${number}`,
  head: { ref },
  base: { ref: "main" },
  draft: false,
  body: "",
});

let checkout: TempCheckout;

beforeEach(async () => {
  checkout = await createTempCheckout({ "a.js": "1\n" });
  await checkout.writeFile("a.js", "2\n");
});

afterEach(async () => {
  await checkout.dispose();
});

function publish() {
  const github = createOctokitGitHub(
    new Octokit({ auth: "ghs_x", log: quiet, retry: { enabled: false } }),
    {
      botLogin: "patchsmith[bot]",
    },
  );
  return publishPullRequest({
    github,
    repo,
    checkout,
    base: "main",
    title: "Fix a",
    body: "body",
    draft: false,
    commitMessage: "Fix a",
    author: { name: "patchsmith[bot]", email: "bot@example.com" },
  });
}

describe("publishPullRequest on a re-run", () => {
  it("updates the pull request that already exists for the branch", async () => {
    gh.api()
      .get(`${REPO}/pulls`)
      .query(true)
      .reply(200, [pull(7, checkout.branch)]);
    gh.api()
      .patch(`${REPO}/pulls/7`, { title: "Fix a", body: "body" })
      .reply(200, pull(7, checkout.branch));
    const result = await publish();
    expect(result).toMatchObject({ created: false, pullRequest: { number: 7 } });
  });

  it("a 502 on POST /pulls after GitHub made the PR ends with that one PR", async () => {
    gh.api().get(`${REPO}/pulls`).query(true).reply(200, []);
    gh.api().post(`${REPO}/pulls`).reply(502, { message: "Bad Gateway" });
    gh.api()
      .get(`${REPO}/pulls`)
      .query(true)
      .reply(200, [pull(8, checkout.branch)]);
    const result = await publish();
    expect(result).toMatchObject({ created: true, pullRequest: { number: 8 } });
  });

  it("a create that really failed still fails (nothing found by head)", async () => {
    gh.api().get(`${REPO}/pulls`).query(true).reply(200, []);
    gh.api().post(`${REPO}/pulls`).reply(502, { message: "Bad Gateway" });
    gh.api().get(`${REPO}/pulls`).query(true).reply(200, []);
    await expect(publish()).rejects.toBeInstanceOf(RemoteError);
  });
});
