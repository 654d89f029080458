/**
 * End to end through the real Probot app and the real worker: a webhook payload from
 * @octokit/webhooks-examples, GitHub's API and Anthropic's Messages API scripted with nock
 * (strict both ways), a local bare repository as the git remote, and the real sandbox and
 * quality gate running the project's own test script.
 */
import { pino } from "pino";
import type { Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { parseEnv } from "../../src/config/index.js";
import type { JobQueue } from "../../src/core/index.js";
import type { JobOutcome } from "../../src/pipeline/index.js";
import { createInProcessQueue } from "../../src/queue/index.js";
import { githubForJob } from "../../src/server.js";
import { createJobHandler } from "../../src/worker.js";
import { anthropicReply } from "../fakes/anthropic-nock.js";
import { git, makeRemote, showFile, tempDir } from "../fakes/git-fixtures.js";
import { createTestProbot, useGitHubNock, webhookExample } from "../fakes/github-nock.js";
import { BUGGY_SUM_PROJECT, SUM_FIX, SUM_ISSUE, SUM_PLAN } from "../fakes/js-project.js";
import { editorCall, text, toolUse } from "../fakes/scripted-model.js";

const gh = useGitHubNock();
const INSTALLATION = 4711;
const OWNER = "Codertocat";
const NAME = "Hello-World";
const REPO = `/repos/${OWNER}/${NAME}`;
const BOT = "patchsmith[bot]";
const BRANCH = "patchsmith/issue-1-sum-returns-the-difference";
const STATUS_ID = 9001;
const COMMENT_ID = 5001;

let probot: Probot;
let queue: JobQueue;
let outcomes: JobOutcome[];
let remote: Awaited<ReturnType<typeof makeRemote>>;
let logLines: string[];

beforeEach(async () => {
  remote = await makeRemote(OWNER, NAME, BUGGY_SUM_PROJECT);
  const env = parseEnv({
    PATH: process.env.PATH,
    ANTHROPIC_API_KEY: "sk-ant-test-key-000000",
    ANTHROPIC_BASE_URL: "https://api.anthropic.com",
    GIT_BASE_URL: remote.base,
    PATCHSMITH_WORK_DIR: await tempDir(),
    LOG_LEVEL: "silent",
  });
  probot = createTestProbot();
  queue = createInProcessQueue();
  outcomes = [];
  logLines = [];
  const logger = pino({ level: "trace" }, { write: (line: string) => void logLines.push(line) });
  const handler = createJobHandler({
    env,
    logger,
    githubFor: (job) => githubForJob(probot, job, BOT),
    onOutcome: (_job, outcome) => outcomes.push(outcome),
  });
  queue.process(handler, 1);
  await probot.load(createApp({ queue, botLogin: BOT }));
});

afterEach(async () => {
  await queue.close();
  await remote.cleanup();
});

/** The GitHub side of one successful run; returns what the requests carried. */
function mockGitHubRun(options: { trigger: "label" | "comment" }) {
  const seen = {
    statusBodies: [] as string[],
    pullRequest: undefined as Record<string, unknown> | undefined,
    checkRun: undefined as Record<string, unknown> | undefined,
    reactionPath: "",
  };
  const api = gh.api();
  // Receiver: Probot's installation token, the permission, eyes, the queued status comment.
  gh.installationToken(INSTALLATION);
  api
    .get(`${REPO}/collaborators/Codertocat/permission`)
    .reply(200, { permission: "write", role_name: "write" });
  const reactionPath =
    options.trigger === "label"
      ? `${REPO}/issues/1/reactions`
      : `${REPO}/issues/comments/${COMMENT_ID}/reactions`;
  api.post(reactionPath, { content: "eyes" }).reply(201, {});
  api
    .post(`${REPO}/issues/1/comments`, (body: { body: string }) => {
      seen.statusBodies.push(body.body);
      return true;
    })
    .reply(201, { id: STATUS_ID, html_url: "https://github.com/x#status" });
  // Worker: the issue and its comments (it edits the status comment by the id the receiver
  // put on the job, without searching for it), the default branch,
  // a token for this one repository, the status edits, the pull request and the check run.
  const statusComment = {
    id: STATUS_ID,
    body: "<!-- patchsmith:status {} -->",
    user: { login: BOT, type: "Bot" },
    created_at: "2026-01-01T00:00:00Z",
  };
  api.get(`${REPO}/issues/1/comments`).query(true).reply(200, [statusComment]);
  api.get(`${REPO}/issues/1`).reply(200, {
    number: 1,
    title: SUM_ISSUE.title,
    body: SUM_ISSUE.body,
    user: { login: "Codertocat" },
    html_url: "https://github.com/x/1",
  });
  api.get(REPO).reply(200, { default_branch: "main" });
  // The organization's defaults: its .github repository has no patchsmith.yml.
  api.get(`/repos/${OWNER}/.github/contents/.github%2Fpatchsmith.yml`).reply(404, {});
  // Done: a rocket on what triggered the run.
  api.post(reactionPath, { content: "rocket" }).reply(201, {});
  // One token per step, each with the least it needs: read to clone, write to push.
  for (const contents of ["read", "write"]) {
    api
      .post(
        `/app/installations/${INSTALLATION}/access_tokens`,
        (body: { repositories?: string[]; permissions?: Record<string, string> }) =>
          body.repositories?.[0] === NAME &&
          JSON.stringify(body.permissions) === JSON.stringify({ contents }),
      )
      .reply(201, {
        token: `ghs_repositoryscoped${contents}token0000`,
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
      });
  }
  api
    .patch(`${REPO}/issues/comments/${STATUS_ID}`, (body: { body: string }) => {
      seen.statusBodies.push(body.body);
      return true;
    })
    .times(6)
    .reply(200, { id: STATUS_ID });
  api
    .get(`${REPO}/pulls`)
    .query({ head: `${OWNER}:${BRANCH}`, state: "open" })
    .reply(200, []);
  api
    .post(`${REPO}/pulls`, (body: Record<string, unknown>) => {
      seen.pullRequest = body;
      return true;
    })
    .reply(201, {
      number: 2,
      html_url: "https://github.com/Codertocat/Hello-World/pull/2",
      head: { ref: BRANCH },
      base: { ref: "main" },
      draft: false,
      body: "",
    });
  api
    .post(`${REPO}/check-runs`, (body: Record<string, unknown>) => {
      seen.checkRun = body;
      return true;
    })
    .reply(201, { id: 1 });
  return seen;
}

function mockModel() {
  return anthropicReply("https://api.anthropic.com", [
    toolUse("submit_plan", SUM_PLAN),
    editorCall(SUM_FIX),
    text("Fixed sum()."),
  ]);
}

function expectPublished(seen: ReturnType<typeof mockGitHubRun>) {
  expect(outcomes.map((o) => o.status)).toEqual(["published"]);
  expect(showFile(remote.bare, BRANCH, "src/sum.js")).toContain("return a + b;");
  expect(git(remote.bare, "log", "-1", "--format=%an", BRANCH)).toBe(BOT);
  expect(seen.pullRequest).toMatchObject({
    head: BRANCH,
    base: "main",
    title: SUM_ISSUE.title,
    draft: false,
  });
  expect(String(seen.pullRequest?.body)).toContain("Closes #1");
  expect(String(seen.pullRequest?.body)).toContain("Quality gate: passed");
  expect(seen.checkRun).toMatchObject({ conclusion: "success" });
  expect(seen.statusBodies[0]).toContain("patchsmith: queued");
  expect(seen.statusBodies.at(-1)).toContain("https://github.com/Codertocat/Hello-World/pull/2");
  expect(seen.statusBodies.some((b) => b.includes("Development plan"))).toBe(true);
}

describe("issue to pull request", () => {
  it("a label on an issue opens a pull request with the fix", async () => {
    const seen = mockGitHubRun({ trigger: "label" });
    const llm = mockModel();
    const payload = webhookExample("issues", "labeled", INSTALLATION);
    payload.label.name = "patchsmith";
    await probot.receive({ id: "delivery-label-1", name: "issues", payload } as never);
    await queue.drain();
    expectPublished(seen);
    expect(llm.requests).toHaveLength(3);
    // The worker logged its run, and no credential is in any line of it.
    expect(logLines.length).toBeGreaterThan(3);
    for (const secret of [
      "ghs_repositoryscopedreadtoken0000",
      "ghs_repositoryscopedwritetoken0000",
      "ghs_testinstallationtoken0000",
      "sk-ant-test-key-000000",
    ]) {
      expect(logLines.filter((line) => line.includes(secret))).toEqual([]);
    }
    expect(JSON.stringify(llm.requests[0]!.body.messages)).toContain("returns -1 instead of 3");
  });

  it("a /generate comment with instructions does the same and passes the instructions on", async () => {
    const seen = mockGitHubRun({ trigger: "comment" });
    const llm = mockModel();
    const payload = webhookExample("issue_comment", "created", INSTALLATION);
    payload.comment.id = COMMENT_ID;
    payload.comment.body = "/generate please keep the function name";
    payload.comment.created_at = new Date().toISOString();
    await probot.receive({ id: "delivery-comment-1", name: "issue_comment", payload } as never);
    await queue.drain();
    expectPublished(seen);
    expect(JSON.stringify(llm.requests[0]!.body)).toContain("please keep the function name");
  });
});
