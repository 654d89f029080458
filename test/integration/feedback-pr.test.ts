/**
 * Review feedback and failing CI on a patchsmith pull request, through the real Probot app
 * and the real worker: example payloads from @octokit/webhooks-examples, GitHub's REST and
 * GraphQL API as strict nocks, a scripted model, a local bare repository as the remote (with
 * a person's commit on the PR branch), and the real gate running the project's tests.
 */
import { pino } from "pino";
import type { Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { parseEnv } from "../../src/config/index.js";
import type { Job, JobQueue } from "../../src/core/index.js";
import type { JobOutcome } from "../../src/pipeline/index.js";
import { parsePullRequestState, renderPullRequestState } from "../../src/publish/index.js";
import { createInProcessQueue } from "../../src/queue/index.js";
import { githubForJob } from "../../src/server.js";
import { createJobHandler } from "../../src/worker.js";
import { git, makeRemote, showFile, tempDir, writeFiles } from "../fakes/git-fixtures.js";
import { createTestProbot, useGitHubNock, webhookExample } from "../fakes/github-nock.js";
import { BUGGY_SUM_PROJECT, SUM_ISSUE, SUM_PLAN } from "../fakes/js-project.js";
import { ScriptedModel, editorCall, text, toolUse } from "../fakes/scripted-model.js";

const gh = useGitHubNock();
const INSTALLATION = 4711;
const OWNER = "Codertocat";
const NAME = "Hello-World";
const REPO = `/repos/${OWNER}/${NAME}`;
const BOT = "patchsmith[bot]";
const BRANCH = "patchsmith/issue-1-sum-returns-the-difference";
const PR = 2;
const REVIEW_ID = 80;

let probot: Probot;
let queue: JobQueue;
let outcomes: { job: Job; outcome: JobOutcome }[];
let remote: Awaited<ReturnType<typeof makeRemote>>;
let model: ScriptedModel;
let humanSha: string;

/** The PR branch: the bot's fix, then a person's commit on top. */
async function preparePullRequestBranch(): Promise<string> {
  const work = await tempDir("patchsmith-pr-");
  git(work, "clone", "-q", remote.bare, ".");
  git(work, "checkout", "-q", "-b", BRANCH);
  await writeFiles(work, { "src/sum.js": "export function sum(a, b) {\n  return a + b;\n}\n" });
  git(work, "commit", "-qam", "Fix sum\n\nPatchsmith-Job: first-job");
  await writeFiles(work, { "README.md": "# calc\n\nTiny arithmetic helpers, by a person.\n" });
  git(work, "commit", "-qam", "README: a person's edit");
  git(work, "push", "-q", "origin", BRANCH);
  return git(work, "rev-parse", "HEAD");
}

beforeEach(async () => {
  remote = await makeRemote(OWNER, NAME, BUGGY_SUM_PROJECT);
  humanSha = await preparePullRequestBranch();
  const env = parseEnv({
    PATH: process.env.PATH,
    ANTHROPIC_API_KEY: "sk-ant-test-key-000000",
    GIT_BASE_URL: remote.base,
    PATCHSMITH_WORK_DIR: await tempDir(),
    LOG_LEVEL: "silent",
  });
  probot = createTestProbot();
  queue = createInProcessQueue();
  outcomes = [];
  model = new ScriptedModel([]);
  const handler = createJobHandler({
    env,
    logger: pino({ level: "silent" }),
    githubFor: (job) => githubForJob(probot, job, BOT),
    model: { name: "scripted", generate: (request) => model.generate(request) },
    onOutcome: (job, outcome) => outcomes.push({ job, outcome }),
  });
  queue.process(handler, 1);
  await probot.load(createApp({ queue, botLogin: BOT }));
});

afterEach(async () => {
  await queue.close();
  await remote.cleanup();
});

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

function prBody(state: Partial<Parameters<typeof renderPullRequestState>[0]> = {}): string {
  return `Make sum() add.\n\nCloses #1\n${renderPullRequestState({
    issue: 1,
    job: "first-job",
    plan: SUM_PLAN,
    rounds: 0,
    costUsd: 0.5,
    ciRepairs: 0,
    capNoted: [],
    ...state,
  })}`;
}

function reviewPayload(user: { login: string; type: string } = { login: OWNER, type: "User" }) {
  const payload = webhookExample("pull_request_review", "submitted", INSTALLATION);
  payload.review.id = REVIEW_ID;
  payload.review.user = { ...payload.review.user, ...user };
  payload.review.body = "";
  payload.review.submitted_at = ago(1);
  payload.sender = { ...payload.sender, ...user };
  payload.pull_request.number = PR;
  payload.pull_request.head.ref = BRANCH;
  payload.pull_request.body = prBody();
  return payload;
}

interface InlineComment {
  id: number;
  path: string;
  body: string;
  updatedAt?: string;
}

/**
 * The worker's reads: the PR (twice: at the start and before saving state), the
 * organization's config defaults, the issue, a token.
 */
function mockPullRequestReads(body: string, headSha: string, options = { readsIssue: true }) {
  const api = gh.api();
  const pull = {
    number: PR,
    html_url: `https://github.com/${OWNER}/${NAME}/pull/${PR}`,
    head: { ref: BRANCH, sha: headSha },
    base: { ref: "main" },
    draft: false,
    body,
    user: { login: BOT, type: "Bot" },
  };
  api.get(`${REPO}/pulls/${PR}`).times(2).reply(200, pull);
  // The organization's defaults (its .github repository) are merged under the repo's file.
  api.get(`/repos/${OWNER}/.github/contents/.github%2Fpatchsmith.yml`).reply(404, {});
  api
    .post(
      `/app/installations/${INSTALLATION}/access_tokens`,
      (b: { repositories?: string[] }) => b.repositories?.[0] === NAME,
    )
    .reply(201, {
      token: "ghs_repositoryscopedtoken0000",
      expires_at: new Date(Date.now() + 3600_000).toISOString(),
    });
  if (options.readsIssue) {
    api.get(`${REPO}/issues/1`).reply(200, {
      number: 1,
      title: SUM_ISSUE.title,
      body: SUM_ISSUE.body,
      user: { login: OWNER },
    });
    api.get(`${REPO}/issues/1/comments`).query(true).reply(200, []);
  }
  const saved: string[] = [];
  api
    .patch(`${REPO}/pulls/${PR}`, (b: { body: string }) => {
      saved.push(b.body);
      return true;
    })
    .reply(200, pull);
  return saved;
}

/** A review's inline comments over REST, their threads over GraphQL, and the review itself. */
function mockReview(comments: InlineComment[]) {
  const api = gh.api();
  api
    .get(`${REPO}/pulls/${PR}/comments`)
    .query(true)
    .reply(
      200,
      comments.map((c) => ({
        id: c.id,
        pull_request_review_id: REVIEW_ID,
        user: { login: OWNER, type: "User" },
        body: c.body,
        path: c.path,
        line: 2,
        diff_hunk: `@@ -1,3 +1,3 @@\n export function ${c.path.includes("sum") ? "sum" : "format"}`,
        created_at: ago(3),
        updated_at: c.updatedAt ?? ago(3),
      })),
    );
  api
    .post("/graphql", (b: { query: string }) => b.query.includes("reviewThreads"))
    .reply(200, {
      data: {
        repository: {
          pullRequest: {
            reviewThreads: {
              pageInfo: { hasNextPage: false, endCursor: null },
              nodes: comments.map((c) => ({
                id: `thread-${c.id}`,
                isResolved: false,
                path: c.path,
                line: 2,
                comments: {
                  nodes: [
                    {
                      databaseId: c.id,
                      author: { login: OWNER },
                      body: c.body,
                      path: c.path,
                      line: 2,
                      createdAt: ago(3),
                    },
                  ],
                },
              })),
            },
          },
        },
      },
    });
  api.get(`${REPO}/pulls/${PR}/reviews/${REVIEW_ID}`).reply(200, {
    id: REVIEW_ID,
    user: { login: OWNER, type: "User" },
    body: "",
    state: "commented",
    submitted_at: ago(1),
  });
}

function mockReplies(count: number) {
  const replies: { commentId: number; body: string }[] = [];
  gh.api()
    .post(new RegExp(`^${REPO}/pulls/${PR}/comments/\\d+/replies$`), (b: { body: string }) => {
      replies.push({ commentId: 0, body: b.body });
      return true;
    })
    .times(count)
    .reply(201, function (uri: string) {
      replies.at(-1)!.commentId = Number(/comments\/(\d+)\/replies/.exec(uri)![1]);
      return { id: 1 };
    });
  return replies;
}

function mockResolves(count: number) {
  const resolved: string[] = [];
  gh.api()
    .post("/graphql", (b: { query: string; variables: { threadId: string } }) => {
      if (!b.query.includes("resolveReviewThread")) return false;
      resolved.push(b.variables.threadId);
      return true;
    })
    .times(count)
    .reply(200, { data: { resolveReviewThread: { thread: { id: "t", isResolved: true } } } });
  return resolved;
}

function permission(user: string, role: string, times = 1) {
  gh.api()
    .get(`${REPO}/collaborators/${user}/permission`)
    .times(times)
    .reply(200, { permission: role, role_name: role });
}

const report = (items: { id: number; addressed: boolean; reply: string }[], summary: string) =>
  toolUse("report_feedback", { items, summary });

describe("review feedback on a patchsmith pull request", () => {
  it("a review with three inline comments: one job, a commit on top of the person's, three replies with the SHA, three threads resolved", async () => {
    gh.installationToken(INSTALLATION);
    permission(OWNER, "write", 2);
    const comments: InlineComment[] = [
      { id: 101, path: "src/sum.js", body: "Name the parameters x and y." },
      { id: 102, path: "src/format.js", body: "Use a colon instead of the equals sign." },
      { id: 103, path: "src/sum.js", body: "Add a one-line doc comment above sum." },
      // Edited after the review was submitted: it must not reach the model.
      { id: 104, path: "src/sum.js", body: "EDITED LATER: delete everything", updatedAt: ago(0) },
    ];
    mockReview(comments);
    const saved = mockPullRequestReads(prBody(), humanSha);
    const replies = mockReplies(3);
    const resolved = mockResolves(3);
    model = new ScriptedModel([
      editorCall(
        {
          command: "create",
          path: "src/sum.js",
          file_text: "/** Adds two numbers. */\nexport function sum(x, y) {\n  return x + y;\n}\n",
        },
        {
          command: "str_replace",
          path: "src/format.js",
          old_str: "`= ${n}`",
          new_str: "`: ${n}`",
        },
      ),
      text("Renamed the parameters, added the doc comment, and used a colon."),
      report(
        [
          { id: 101, addressed: true, reply: "sum now takes x and y." },
          { id: 102, addressed: true, reply: "format() prints a colon." },
          { id: 103, addressed: true, reply: "Added a doc comment." },
        ],
        "Renamed sum's parameters, documented it, and changed format's separator.",
      ),
    ]);

    await probot.receive({
      id: "review-1",
      name: "pull_request_review",
      payload: reviewPayload(),
    } as never);
    // GitHub also sends each of the review's comments as its own event: no second job.
    for (const comment of comments.slice(0, 3)) {
      const payload = webhookExample("pull_request_review_comment", "created", INSTALLATION);
      payload.comment = { ...payload.comment, id: comment.id, pull_request_review_id: REVIEW_ID };
      delete payload.comment.in_reply_to_id;
      payload.pull_request.head.ref = BRANCH;
      payload.pull_request.number = PR;
      await probot.receive({
        id: `review-comment-${comment.id}`,
        name: "pull_request_review_comment",
        payload,
      } as never);
    }
    await queue.drain();

    expect(outcomes.map((o) => [o.job.kind, o.outcome.status])).toEqual([
      ["feedback", "published"],
    ]);
    model.assertDone();
    // Pushed on top: the new head's parent is the person's commit, nothing was rewritten.
    const [author, parent] = git(remote.bare, "log", "-1", "--format=%an%n%P", BRANCH).split("\n");
    expect(author).toBe(BOT);
    expect(parent).toBe(humanSha);
    const headSha = git(remote.bare, "rev-parse", BRANCH);
    expect(git(remote.bare, "log", "-1", "--format=%B", BRANCH)).toContain("Patchsmith-Job:");
    expect(showFile(remote.bare, BRANCH, "src/sum.js")).toContain("sum(x, y)");
    expect(showFile(remote.bare, BRANCH, "README.md")).toContain("by a person");

    expect(replies.map((r) => r.commentId).sort()).toEqual([101, 102, 103]);
    for (const reply of replies) expect(reply.body).toContain(headSha.slice(0, 7));
    expect(resolved.sort()).toEqual(["thread-101", "thread-102", "thread-103"]);

    const prompt = JSON.stringify(model.calls[0]!.messages);
    expect(prompt).toContain("Name the parameters x and y.");
    expect(prompt).toContain("src/format.js");
    expect(prompt).toContain("export function format");
    expect(prompt).toContain(SUM_PLAN.summary);
    expect(prompt).not.toContain("EDITED LATER");

    const state = parsePullRequestState(saved.at(-1));
    expect(state).toMatchObject({ issue: 1, rounds: 1, ciRepairs: 0 });
    expect(saved.at(-1)).toContain("Closes #1");
  });

  it("a thread the model declines gets a reply saying why and stays open", async () => {
    gh.installationToken(INSTALLATION);
    permission(OWNER, "write", 2);
    mockReview([{ id: 201, path: "src/sum.js", body: "Rewrite this in Rust." }]);
    const saved = mockPullRequestReads(prBody(), humanSha);
    const replies = mockReplies(1);
    model = new ScriptedModel([
      text("That is outside the issue; I made no change."),
      report(
        [{ id: 201, addressed: false, reply: "A rewrite in Rust is outside this issue." }],
        "No change.",
      ),
    ]);
    await probot.receive({
      id: "review-2",
      name: "pull_request_review",
      payload: reviewPayload(),
    } as never);
    await queue.drain();

    expect(outcomes.map((o) => o.outcome.status)).toEqual(["published"]);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain("Not addressed");
    expect(replies[0]!.body).toContain("outside this issue");
    // No resolve mutation was mocked: a strict nock fails the test if one is sent.
    expect(git(remote.bare, "rev-parse", BRANCH)).toBe(humanSha);
    expect(parsePullRequestState(saved.at(-1))?.rounds).toBe(1);
  });

  it("a read-only user's review is ignored: no job", async () => {
    gh.installationToken(INSTALLATION);
    permission("reader", "read");
    await probot.receive({
      id: "review-3",
      name: "pull_request_review",
      payload: reviewPayload({ login: "reader", type: "User" }),
    } as never);
    await queue.drain();
    expect(outcomes).toEqual([]);
  });

  it("a bot's review is ignored without a single request", async () => {
    await probot.receive({
      id: "review-4",
      name: "pull_request_review",
      payload: reviewPayload({ login: "other-app[bot]", type: "Bot" }),
    } as never);
    await queue.drain();
    expect(outcomes).toEqual([]);
  });
});

function checkSuitePayload(headSha: string, slug = "ci-app") {
  const payload = webhookExample("check_suite", "completed", INSTALLATION);
  payload.check_suite.id = 555;
  payload.check_suite.head_sha = headSha;
  payload.check_suite.head_branch = BRANCH;
  payload.check_suite.conclusion = "failure";
  payload.check_suite.app = { ...(payload.check_suite.app ?? {}), slug };
  payload.check_suite.pull_requests = [
    { number: PR, head: { ref: BRANCH, sha: headSha }, base: { ref: "main", sha: "0" } },
  ];
  return payload;
}

function mockFailedChecks(headSha: string) {
  const api = gh.api();
  api
    .get(`${REPO}/commits/${headSha}/check-runs`)
    .query(true)
    .reply(200, {
      check_runs: [
        {
          id: 77,
          name: "test",
          conclusion: "failure",
          app: { slug: "github-actions" },
          output: { summary: "1 test failed", text: "" },
        },
        { id: 78, name: "patchsmith", conclusion: "failure", app: { slug: "patchsmith" } },
      ],
    });
  api
    .get(`${REPO}/check-runs/77/annotations`)
    .query(true)
    .reply(200, [
      {
        path: "src/format.js",
        start_line: 2,
        end_line: 2,
        annotation_level: "failure",
        message: "format(3) should be '= 3 units'",
      },
    ]);
  api.get(`${REPO}/actions/jobs/77/logs`).reply(200, "setup...\nnot ok 1 - formats with units\n");
}

describe("failing CI on a patchsmith pull request", () => {
  it("a failing check suite starts one repair job with the annotations and the job log", async () => {
    gh.installationToken(INSTALLATION);
    mockFailedChecks(humanSha);
    const saved = mockPullRequestReads(prBody(), humanSha);
    const summaries: string[] = [];
    gh.api()
      .post(`${REPO}/issues/${PR}/comments`, (b: { body: string }) => {
        summaries.push(b.body);
        return true;
      })
      .reply(201, { id: 9 });
    model = new ScriptedModel([
      editorCall({
        command: "str_replace",
        path: "src/format.js",
        old_str: "`= ${n}`",
        new_str: "`= ${n} units`",
      }),
      text("format() now adds the unit."),
      report([{ id: 555, addressed: true, reply: "format() adds the unit." }], "Fixed format."),
    ]);

    await probot.receive({
      id: "suite-1",
      name: "check_suite",
      payload: checkSuitePayload(humanSha),
    } as never);
    // The same failure as a workflow run: no second job.
    const run = webhookExample("workflow_run", "completed", INSTALLATION);
    run.workflow_run = {
      ...run.workflow_run,
      head_sha: humanSha,
      head_branch: BRANCH,
      conclusion: "failure",
      pull_requests: [{ number: PR, head: { ref: BRANCH, sha: humanSha } }],
    };
    await probot.receive({ id: "run-1", name: "workflow_run", payload: run } as never);
    // The bot's own suite is never CI to repair.
    await probot.receive({
      id: "suite-own",
      name: "check_suite",
      payload: checkSuitePayload(humanSha, "patchsmith"),
    } as never);
    await queue.drain();

    expect(outcomes.map((o) => [o.job.kind, o.outcome.status])).toEqual([
      ["ci-repair", "published"],
    ]);
    const prompt = JSON.stringify(model.calls[0]!.messages);
    expect(prompt).toContain("format(3) should be '= 3 units'");
    expect(prompt).toContain("not ok 1 - formats with units");
    expect(showFile(remote.bare, BRANCH, "src/format.js")).toContain("units");
    expect(summaries[0]).toContain(git(remote.bare, "rev-parse", "--short=7", BRANCH));
    expect(parsePullRequestState(saved.at(-1))).toMatchObject({ ciRepairs: 1, rounds: 0 });
  });

  it("past ci.maxRepairs it says so once and calls no model", async () => {
    gh.installationToken(INSTALLATION);
    mockFailedChecks(humanSha);
    // The cap stops before the issue is read or the model is asked.
    const saved = mockPullRequestReads(prBody({ ciRepairs: 2 }), humanSha, { readsIssue: false });
    const notes: string[] = [];
    gh.api()
      .post(`${REPO}/issues/${PR}/comments`, (b: { body: string }) => {
        notes.push(b.body);
        return true;
      })
      .reply(201, { id: 10 });
    await probot.receive({
      id: "suite-2",
      name: "check_suite",
      payload: checkSuitePayload(humanSha),
    } as never);
    await queue.drain();

    expect(outcomes.map((o) => o.outcome.status)).toEqual(["skipped"]);
    expect(model.calls).toHaveLength(0);
    expect(notes[0]).toContain("ci.maxRepairs");
    expect(parsePullRequestState(saved.at(-1))?.capNoted).toEqual(["ci"]);
  });
});
