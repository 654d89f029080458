/**
 * The worker against GitHub's API and Anthropic's, both nock'd strictly (an unexpected or an
 * unused request fails the test), with a spend ledger in a temp data directory: the status
 * comment carries the tokens-and-cost table per stage while running and at the end, and an
 * installation's daily budget, spent by another repository, stops a job between model calls
 * with nothing pushed and no pull request.
 */
import path from "node:path";
import type { Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseEnv } from "../../src/config/index.js";
import { silentLogger, type Job } from "../../src/core/index.js";
import { openSqliteSpendLedger, SPEND_LEDGER_FILE } from "../../src/ledger/index.js";
import { githubForJob } from "../../src/server.js";
import { createJobHandler } from "../../src/worker.js";
import { anthropicReply } from "../fakes/anthropic-nock.js";
import { git, makeRemote, tempDir } from "../fakes/git-fixtures.js";
import { createTestProbot, useGitHubNock } from "../fakes/github-nock.js";
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
const ANTHROPIC = "https://api.anthropic.com";

let probot: Probot;
let remote: Awaited<ReturnType<typeof makeRemote>>;
let dataDir: string;

const job: Job = {
  id: "job-budget-1",
  kind: "issue",
  repo: { owner: OWNER, name: NAME },
  installationId: INSTALLATION,
  number: 1,
  trigger: { deliveryId: "d-1", actor: "Codertocat", kind: "label", at: new Date().toISOString() },
  mode: "implement",
  statusCommentId: STATUS_ID,
};

beforeEach(async () => {
  remote = await makeRemote(OWNER, NAME, BUGGY_SUM_PROJECT);
  dataDir = path.join(await tempDir(), "data");
  probot = createTestProbot();
});

afterEach(async () => {
  await remote.cleanup();
});

function handlerWith(extra: Record<string, string> = {}) {
  const env = parseEnv({
    PATH: process.env.PATH,
    ANTHROPIC_API_KEY: "sk-ant-test-key-000000",
    ANTHROPIC_BASE_URL: ANTHROPIC,
    GIT_BASE_URL: remote.base,
    PATCHSMITH_WORK_DIR: path.dirname(dataDir),
    PATCHSMITH_DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    ...extra,
  });
  return createJobHandler({
    env,
    logger: silentLogger,
    githubFor: (j) => githubForJob(probot, j, BOT),
  });
}

/** What every job asks GitHub before its first model call; returns the status bodies. */
function mockJobStart(statusEdits: number): string[] {
  const bodies: string[] = [];
  const api = gh.api();
  gh.installationToken(INSTALLATION);
  api.get(`${REPO}/issues/1/comments`).query(true).reply(200, []);
  api.get(`${REPO}/issues/1`).reply(200, {
    number: 1,
    title: SUM_ISSUE.title,
    body: SUM_ISSUE.body,
    user: { login: "Codertocat" },
    html_url: "https://github.com/x/1",
  });
  api.get(REPO).reply(200, { default_branch: "main" });
  api.get(`/repos/${OWNER}/.github/contents/.github%2Fpatchsmith.yml`).reply(404, {});
  api
    .post(
      `/app/installations/${INSTALLATION}/access_tokens`,
      (body: { permissions?: Record<string, string> }) => body.permissions?.contents === "read",
    )
    .reply(201, { token: "ghs_readtoken0000", expires_at: new Date(Date.now() + 3600_000) });
  api
    .patch(`${REPO}/issues/comments/${STATUS_ID}`, (body: { body: string }) => {
      bodies.push(body.body);
      return true;
    })
    .times(statusEdits)
    .reply(200, { id: STATUS_ID });
  return bodies;
}

describe("tokens, cost and daily budgets on GitHub", () => {
  it("the status comment shows tokens and cost per stage while running and at the end", async () => {
    const bodies = mockJobStart(6);
    const api = gh.api();
    api
      .post(
        `/app/installations/${INSTALLATION}/access_tokens`,
        (body: { permissions?: Record<string, string> }) => body.permissions?.contents === "write",
      )
      .reply(201, { token: "ghs_writetoken0000", expires_at: new Date(Date.now() + 3600_000) });
    api
      .get(`${REPO}/pulls`)
      .query({ head: `${OWNER}:${BRANCH}`, state: "open" })
      .reply(200, []);
    api.post(`${REPO}/pulls`).reply(201, {
      number: 2,
      html_url: `https://github.com/${OWNER}/${NAME}/pull/2`,
      head: { ref: BRANCH },
      base: { ref: "main" },
      draft: false,
      body: "",
    });
    api.post(`${REPO}/check-runs`).reply(201, { id: 1 });
    api.post(`${REPO}/issues/1/reactions`, { content: "rocket" }).reply(201, {});
    const llm = anthropicReply(ANTHROPIC, [
      toolUse("submit_plan", SUM_PLAN),
      {
        ...editorCall(SUM_FIX),
        usage: { inputTokens: 900, outputTokens: 40, cacheReadTokens: 5000 },
      },
      {
        ...text("Fixed sum()."),
        usage: { inputTokens: 50, outputTokens: 10, cacheWriteTokens: 700 },
      },
    ]);

    const outcome = await handlerWith().run(job);
    expect(outcome.status).toBe("published");
    expect(llm.scope.isDone()).toBe(true);

    // After the plan (implementing): one stage, so the total only.
    const implementing = bodies.find((b) => b.includes("patchsmith: implementing"));
    expect(implementing).toContain("| 1 | 100 | 20 | 0 | 0 | $0.0006 |");
    expect(implementing).toContain("<summary>1 model calls · 120 tokens · $0.0006</summary>");
    // While the gate runs and at the end: the total and one row per stage, cache included.
    const gate = bodies.find((b) => b.includes("patchsmith: running the quality gate"));
    const final = bodies.at(-1)!;
    expect(final).toContain("patchsmith: pull request opened");
    for (const body of [gate, final]) {
      expect(body).toContain(
        "| Model calls | Input tokens | Output tokens | Cache read | Cache write | Cost |",
      );
      expect(body).toMatch(/\| 3 \| 1050 \| 70 \| 5000 \| 700 \| \$0\.\d{2,4} \|/);
      expect(body).toContain("| 1 (plan) | 100 | 20 | 0 | 0 | $0.0006 |");
      expect(body).toMatch(/\| 2 \(implement\) \| 950 \| 50 \| 5000 \| 700 \| \$0\.\d{2,4} \|/);
    }
    // The spend went into the ledger, for the repository and the installation.
    const ledger = openSqliteSpendLedger({ file: path.join(dataDir, SPEND_LEDGER_FILE) });
    const repoSpend = await ledger.spentToday({ kind: "repository", id: `${OWNER}/${NAME}` });
    expect(repoSpend).toBeCloseTo(outcome.report.costUsd, 10);
    expect(await ledger.spentToday({ kind: "installation", id: String(INSTALLATION) })).toBe(
      repoSpend,
    );
    await ledger.close();
  });

  it("an installation's daily budget spent by another repository stops the job after its plan", async () => {
    // Another repository of the installation spent nearly all of today's budget.
    const ledger = openSqliteSpendLedger({ file: path.join(dataDir, SPEND_LEDGER_FILE) });
    await ledger.add(
      [
        { kind: "repository", id: `${OWNER}/other` },
        { kind: "installation", id: String(INSTALLATION) },
      ],
      0.9999,
    );
    await ledger.close();
    // analyze, plan, implement (with the plan), then the failure: no push, no pull request.
    const bodies = mockJobStart(4);
    gh.api().post(`${REPO}/issues/1/reactions`, { content: "confused" }).reply(201, {});
    const llm = anthropicReply(ANTHROPIC, [toolUse("submit_plan", SUM_PLAN)]);

    const outcome = await handlerWith({
      PATCHSMITH_DAILY_USD_PER_INSTALLATION: "1",
      PATCHSMITH_DAILY_USD_PER_REPO: "50",
    }).run(job);
    expect(outcome.status).toBe("failed");
    expect(llm.requests).toHaveLength(1);
    expect(outcome.error?.phase).toBe("implement");

    const final = bodies.at(-1)!;
    expect(final).toContain("patchsmith: failed while implementing");
    expect(final).toContain(
      `**What went wrong** (during implement): This installation's daily model budget is spent: $1.00 of $1.00 today (UTC) across every repository of installation ${INSTALLATION}, so this run stopped before its next model call (implement). The operator of this patchsmith can raise PATCHSMITH_DAILY_USD_PER_INSTALLATION in the worker's environment, or wait: the day resets at 00:00 UTC (in `,
    );
    expect(final).toContain("Nothing was published");
    expect(final).toContain("Comment `/retry` after 00:00 UTC");
    // What it finished: the plan, and what it cost.
    expect(final).toContain("Development plan");
    expect(final).toContain("1 model calls · 120 tokens · $0.0006");
    expect(git(remote.bare, "branch", "--list", "patchsmith/*")).toBe("");
  });
});
