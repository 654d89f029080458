/**
 * Commands end to end through the real Probot app and the real worker: real webhook payloads,
 * GitHub and Anthropic scripted with nock (strict: an unexpected request or an unused mock fails
 * the test), a local bare repository as the remote, the real sandbox and quality gate.
 *
 * GitHub's comments are a small stateful fake (the status comment is read back by later jobs),
 * so those mocks persist; everything else is registered only by the tests that use it.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp, replyMarker } from "../../src/app.js";
import { parseEnv } from "../../src/config/index.js";
import type { Job, JobQueue } from "../../src/core/index.js";
import type { JobOutcome } from "../../src/pipeline/index.js";
import { createInProcessQueue } from "../../src/queue/index.js";
import { githubForJob } from "../../src/server.js";
import { createJobHandler } from "../../src/worker.js";
import nock from "nock";
import { anthropicReply, sseBody, type AnthropicStep } from "../fakes/anthropic-nock.js";
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
const MARKER = "<!-- patchsmith:status";

let probot: Probot;
let queue: JobQueue;
let outcomes: { job: Job; outcome: JobOutcome }[];
let remote: Awaited<ReturnType<typeof makeRemote>>;
let workDir: string;
let commentIds: number;

async function setup(files: Record<string, string>) {
  remote = await makeRemote(OWNER, NAME, files);
  workDir = await tempDir();
  const env = parseEnv({
    PATH: process.env.PATH,
    ANTHROPIC_API_KEY: "sk-ant-test-key-000000",
    ANTHROPIC_BASE_URL: "https://api.anthropic.com",
    GIT_BASE_URL: remote.base,
    PATCHSMITH_WORK_DIR: workDir,
    LOG_LEVEL: "silent",
  });
  probot = createTestProbot();
  queue = createInProcessQueue();
  outcomes = [];
  const handler = createJobHandler({
    env,
    logger: probot.log,
    githubFor: (job) => githubForJob(probot, job, BOT),
    onOutcome: (job, outcome) => outcomes.push({ job, outcome }),
  });
  queue.process(handler, 1);
  await probot.load(createApp({ queue, botLogin: BOT }));
}

beforeEach(() => {
  commentIds = 6000;
});

afterEach(async () => {
  await queue?.close();
  await remote?.cleanup();
});

/** The GitHub every test needs: permission, reactions, tokens and the comments of issue 1. */
function fakeGitHub() {
  const seen = {
    status: undefined as string | undefined,
    statusHistory: [] as string[],
    /** Status comments created (not edited). */
    statusPosts: 0,
    replies: [] as string[],
    reactions: [] as string[],
  };
  const api = gh.api().persist();
  api
    .get(`${REPO}/collaborators/Codertocat/permission`)
    .reply(200, { permission: "write", role_name: "write" });
  api.post(/\/reactions$/).reply(201, (_uri, body) => {
    seen.reactions.push((body as { content: string }).content);
    return {};
  });
  api.post(`/app/installations/${INSTALLATION}/access_tokens`).reply(201, () => ({
    token: "ghs_testinstallationtoken0000",
    expires_at: new Date(Date.now() + 3600_000).toISOString(),
  }));
  api.post(`${REPO}/issues/1/comments`).reply(201, (_uri, body) => {
    const text = (body as { body: string }).body;
    if (text.includes(MARKER)) {
      seen.status = text;
      seen.statusHistory.push(text);
      seen.statusPosts++;
      return { id: STATUS_ID };
    }
    seen.replies.push(text);
    return { id: ++commentIds };
  });
  // Optional: a command refused in the receiver never edits the status comment.
  api
    .patch(`${REPO}/issues/comments/${STATUS_ID}`)
    .optionally()
    .reply(200, (_uri, body) => {
      seen.status = (body as { body: string }).body;
      seen.statusHistory.push(seen.status);
      return { id: STATUS_ID };
    });
  api
    .get(`${REPO}/issues/1/comments`)
    .query(true)
    .optionally()
    .reply(200, () =>
      seen.status === undefined
        ? []
        : [
            {
              id: STATUS_ID,
              body: seen.status,
              user: { login: BOT, type: "Bot" },
              created_at: "2026-01-01T00:00:00Z",
            },
          ],
    );
  return seen;
}

/** What a run reads: the issue and the repository. */
function mockRunReads() {
  const api = gh.api().persist();
  api.get(`${REPO}/issues/1`).reply(200, {
    number: 1,
    title: SUM_ISSUE.title,
    body: SUM_ISSUE.body,
    user: { login: "Codertocat" },
  });
  api.get(REPO).reply(200, { default_branch: "main" });
  // The organization's defaults: none.
  api.get(`/repos/${OWNER}/.github/contents/.github%2Fpatchsmith.yml`).reply(404, {});
}

/** Opening the pull request once (and the check run). */
function mockPublish() {
  const seen = { pullRequest: undefined as Record<string, unknown> | undefined };
  const api = gh.api();
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
  api.post(`${REPO}/check-runs`).reply(201, { id: 1 });
  return seen;
}

function model(steps: AnthropicStep[]) {
  return anthropicReply("https://api.anthropic.com", steps);
}

/** Delivers the comment; resolves to its delivery id once it is handled. */
async function comment(
  body: string,
  options: { pullRequest?: boolean; sendTwice?: boolean } = {},
): Promise<string> {
  const payload = webhookExample("issue_comment", "created", INSTALLATION);
  payload.comment.id = ++commentIds;
  payload.comment.body = body;
  payload.comment.created_at = new Date().toISOString();
  if (options.pullRequest) {
    payload.issue.pull_request = { url: `https://api.github.com${REPO}/pulls/1` };
  }
  const id = `delivery-${commentIds}`;
  const delivery = { id, name: "issue_comment", payload } as never;
  // sendTwice: the first handling fails (a crash, say) and the same delivery comes again.
  if (options.sendTwice) await probot.receive(delivery).catch(() => undefined);
  await probot.receive(delivery);
  return id;
}

const WITH_APPROVAL = {
  ...BUGGY_SUM_PROJECT,
  ".github/patchsmith.yml": "planApproval: true\n",
};

/** A run of /generate that stopped after its plan, waiting for `/approve`. */
async function planWaitingForApproval() {
  await setup(WITH_APPROVAL);
  const seen = fakeGitHub();
  mockRunReads();
  model([toolUse("submit_plan", SUM_PLAN)]);
  await comment("/generate");
  await queue.drain();
  return seen;
}

describe("plan approval", () => {
  it("stops after the plan; /plan plans again; /approve implements the plan as edited", async () => {
    await setup(WITH_APPROVAL);
    const seen = fakeGitHub();
    mockRunReads();
    const first = model([toolUse("submit_plan", SUM_PLAN)]);

    await comment("/generate");
    await queue.drain();
    expect(outcomes.map((o) => o.outcome.status)).toEqual(["waiting"]);
    expect(seen.status).toContain("waiting for `/approve`");
    expect(seen.status).toContain("Replace the subtraction in src/sum.js");
    expect(first.requests).toHaveLength(1);
    expect(showFile(remote.bare, BRANCH, "src/sum.js")).toBeUndefined();

    // /plan with instructions: a second plan, which waits again.
    const replanned = { ...SUM_PLAN, steps: ["Swap the minus in src/sum.js for a plus"] };
    const second = model([toolUse("submit_plan", replanned)]);
    await comment("/plan keep it to one line");
    await queue.drain();
    expect(outcomes.map((o) => o.outcome.status)).toEqual(["waiting", "waiting"]);
    expect(JSON.stringify(second.requests[0]!.body)).toContain("keep it to one line");
    expect(seen.status).toContain("Swap the minus in src/sum.js for a plus");
    expect(seen.status).toContain("waiting for `/approve`");

    // A maintainer edits the plan in the status comment, then approves it.
    // (Only the visible plan: the hidden marker still holds the plan as the model wrote it.)
    const [marker, visible] = seen.status!.split("<!-- patchsmith:plan -->");
    seen.status = `${marker}<!-- patchsmith:plan -->${visible!.replace(
      "Swap the minus in src/sum.js for a plus",
      "Swap the minus for a plus, as the maintainer wrote here",
    )}`;
    const publish = mockPublish();
    const third = model([editorCall(SUM_FIX), text("Fixed sum().")]);
    await comment("/approve");
    await queue.drain();

    expect(outcomes.map((o) => o.outcome.error?.message ?? o.outcome.status)).toEqual([
      "waiting",
      "waiting",
      "published",
    ]);
    // No third plan: the implement stage got the edited plan.
    expect(third.requests).toHaveLength(2);
    expect(third.requests[0]!.body.tools).toBeDefined();
    expect(JSON.stringify(third.requests[0]!.body.messages)).toContain(
      "as the maintainer wrote here",
    );
    expect(outcomes[2]!.outcome.plan?.steps).toEqual([
      "Swap the minus for a plus, as the maintainer wrote here",
    ]);
    expect(showFile(remote.bare, BRANCH, "src/sum.js")).toContain("return a + b;");
    expect(publish.pullRequest).toMatchObject({ head: BRANCH, base: "main", draft: false });
    expect(String(publish.pullRequest?.body)).toContain("as the maintainer wrote here");
    expect(seen.status).toContain("Plan approved by @Codertocat");
    expect(seen.status).toContain("https://github.com/Codertocat/Hello-World/pull/2");
    // 👀 then 🚀 for each of the three commands.
    expect(seen.reactions).toEqual(["eyes", "rocket", "eyes", "rocket", "eyes", "rocket"]);
  });

  it("/plan handled again after it failed between its status comment and its job: one new status comment", async () => {
    const seen = await planWaitingForApproval();
    expect(seen.statusPosts).toBe(1);

    const enqueue = queue.enqueue.bind(queue);
    let failed = false;
    queue.enqueue = async (job, key) => {
      if (job.command === "plan" && !failed) {
        failed = true;
        throw new Error("the process died here (test)");
      }
      return enqueue(job, key);
    };
    model([toolUse("submit_plan", SUM_PLAN)]);
    await comment("/plan", { sendTwice: true });
    await queue.drain();
    expect(failed).toBe(true);
    expect(outcomes.map((o) => o.outcome.status)).toEqual(["waiting", "waiting"]);
    // The first try's status comment is this job's: the second try edits it.
    expect(seen.statusPosts).toBe(2);
  });

  it("/approve of a plan edited beyond reading says so and starts nothing", async () => {
    const seen = await planWaitingForApproval();
    seen.status = seen.status!.replace(/1\. Replace[^\n]*\n/, "");
    await comment("/approve");
    await queue.drain();
    expect(outcomes).toHaveLength(1);
    expect(seen.replies.at(-1)).toContain("could not be read back");
    expect(seen.replies.at(-1)).toContain("numbered step");
    expect(seen.reactions.at(-1)).toBe("confused");

    // /cancel drops the waiting plan: nothing can /approve it any more.
    await comment("/cancel");
    expect(seen.status).toContain("cancelled while planning");
    expect(seen.replies.at(-1)).toContain("is cancelled");
    await comment("/approve");
    expect(seen.replies.at(-1)).toContain("no plan waiting for approval");
    expect(outcomes).toHaveLength(1);
  });
});

describe("/cancel", () => {
  it("interrupts the running gate: the status says cancelled, nothing is pushed, the workspace is gone", async () => {
    await setup({
      ...BUGGY_SUM_PROJECT,
      // The test command leaves a mark when it starts, then takes a minute.
      "package.json": `${JSON.stringify({ name: "calc", type: "module", scripts: { test: "touch test-started && sleep 60" } })}\n`,
    });
    const seen = fakeGitHub();
    mockRunReads();
    model([toolUse("submit_plan", SUM_PLAN), editorCall(SUM_FIX), text("Fixed sum().")]);
    const started = Date.now();
    await comment("/generate");
    const testStarted = async () => {
      const jobs = await readdir(path.join(workDir, "jobs")).catch(() => []);
      return jobs.some((job) =>
        existsSync(path.join(workDir, "jobs", job, "repo", "test-started")),
      );
    };
    for (let i = 0; i < 600 && !(await testStarted()); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await testStarted()).toBe(true);
    expect(seen.status).toContain("running the quality gate");
    const cancelDelivery = await comment("/cancel");
    await queue.drain();

    // The running test command was killed: it would have taken 60 s.
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(outcomes.map((o) => o.outcome.status)).toEqual(["cancelled"]);
    expect(seen.status).toContain("cancelled while running the quality gate");
    expect(seen.status).toContain("Nothing was pushed after the cancel");
    expect(seen.replies.at(-1)).toContain("is cancelled");
    // Marked with its delivery: handled again after a crash, it is not posted twice.
    expect(seen.replies.at(-1)).toContain(replyMarker(cancelDelivery));
    expect(showFile(remote.bare, BRANCH, "src/sum.js")).toBeUndefined();
    expect(await readdir(path.join(workDir, "jobs"))).toEqual([]);
    // /generate: 👀 and no 🚀 (it was cancelled); /cancel: 👀 🚀.
    expect(seen.reactions).toEqual(["eyes", "eyes", "rocket"]);
  });
});

describe("/cancel during a model call", () => {
  it("drops the call in flight: the job ends at once and no further model call is made", async () => {
    await setup(BUGGY_SUM_PROJECT);
    const seen = fakeGitHub();
    mockRunReads();
    // The plan call would be answered after 20 s.
    const anthropic = nock("https://api.anthropic.com")
      .post("/v1/messages")
      .delay(20_000)
      .reply(200, sseBody(toolUse("submit_plan", SUM_PLAN)), {
        "content-type": "text/event-stream",
      });
    const asked = new Promise<void>((resolve) => anthropic.once("request", () => resolve()));
    const started = Date.now();
    await comment("/generate");
    await asked;
    await comment("/cancel");
    await queue.drain();

    expect(Date.now() - started).toBeLessThan(10_000);
    expect(outcomes.map((o) => o.outcome.status)).toEqual(["cancelled"]);
    expect(seen.status).toContain("Nothing was pushed after the cancel");
    expect(seen.replies.at(-1)).toContain("is cancelled");
    expect(await readdir(path.join(workDir, "jobs"))).toEqual([]);
  });
});

describe("/retry", () => {
  it("runs the last failed job again", async () => {
    await setup(BUGGY_SUM_PROJECT);
    const seen = fakeGitHub();
    mockRunReads();
    model([toolUse("submit_plan", SUM_PLAN), text("I would rather not.")]);
    await comment("/generate keep the function name");
    await queue.drain();
    expect(outcomes.map((o) => o.outcome.status)).toEqual(["failed"]);
    expect(seen.status).toContain("without changing any file");

    const publish = mockPublish();
    const retried = model([toolUse("submit_plan", SUM_PLAN), editorCall(SUM_FIX), text("Fixed.")]);
    await comment("/retry");
    await queue.drain();
    expect(outcomes.map((o) => o.outcome.status)).toEqual(["failed", "published"]);
    // The same mode and instructions as the failed run.
    expect(outcomes[1]!.job).toMatchObject({
      mode: "implement",
      instructions: "keep the function name",
      command: "retry",
    });
    expect(JSON.stringify(retried.requests[0]!.body)).toContain("keep the function name");
    expect(publish.pullRequest).toMatchObject({ head: BRANCH, draft: false });
    expect(showFile(remote.bare, BRANCH, "src/sum.js")).toContain("return a + b;");
    expect(seen.reactions).toEqual(["eyes", "confused", "eyes", "rocket"]);
  });

  it("/retry with nothing failed is refused", async () => {
    await setup(BUGGY_SUM_PROJECT);
    const seen = fakeGitHub();
    await comment("/retry");
    expect(seen.replies.at(-1)).toContain("nothing to retry");
    expect(seen.reactions).toEqual(["eyes", "confused"]);
  });
});

describe("modes in the gate", () => {
  it("a docs-mode run that changes code is blocked by the gate (draft PR)", async () => {
    await setup({ ...BUGGY_SUM_PROJECT, ".github/patchsmith.yml": "gate:\n  repairRounds: 0\n" });
    const seen = fakeGitHub();
    mockRunReads();
    const publish = mockPublish();
    model([toolUse("submit_plan", SUM_PLAN), editorCall(SUM_FIX), text("Fixed sum().")]);
    await comment("/generate docs explain sum");
    await queue.drain();
    expect(outcomes.map((o) => o.outcome.status)).toEqual(["published"]);
    const gate = outcomes[0]!.outcome.gate!;
    expect(gate.passed).toBe(false);
    const mode = gate.checks.find((c) => c.name === "mode");
    expect(mode).toMatchObject({ blocking: true });
    expect(mode!.findings[0]!.message).toContain("src/sum.js changed");
    expect(publish.pullRequest).toMatchObject({ draft: true });
    expect(seen.status).toContain("draft");
  });
});

describe("/undo", () => {
  it("reverts the bot's last round with a revert commit on top of the branch", async () => {
    await setup(BUGGY_SUM_PROJECT);
    // The branch: a round of one bot commit, a person's commit, then a round of two bot commits.
    const work = await tempDir();
    git(work, "clone", "-q", remote.bare, ".");
    git(work, "checkout", "-q", "-b", BRANCH);
    const commitAs = (file: string, content: string, message: string) => {
      execFileSync("sh", ["-c", `printf '%s' "$1" > "$2"`, "sh", content, file], { cwd: work });
      git(work, "add", "-A");
      git(work, "commit", "-q", "-m", message);
    };
    commitAs("src/sum.js", "export const sum = (a, b) => a + b;\n", "Fix\n\nPatchsmith-Job: job-1");
    commitAs("NOTES.md", "by a person\n", "Notes");
    commitAs(
      "src/format.js",
      "export const format = (n) => `${n}`;\n",
      "Round 2a\n\nPatchsmith-Job: job-2",
    );
    commitAs(
      "src/sum.js",
      "export const sum = (a, b) => b + a;\n",
      "Round 2b\n\nPatchsmith-Job: job-2",
    );
    git(work, "push", "-q", "origin", BRANCH);
    const oldHead = git(work, "rev-parse", "HEAD");

    const seen = fakeGitHub();
    gh.api()
      .get(`${REPO}/pulls/1`)
      .reply(200, {
        number: 1,
        html_url: "https://github.com/x/pull/1",
        head: { ref: BRANCH },
        base: { ref: "main" },
        body: '<!-- patchsmith:pr {"issue":7} -->',
      });
    await comment("/undo", { pullRequest: true });
    await queue.drain();

    const newHead = git(remote.bare, "rev-parse", BRANCH);
    expect(git(remote.bare, "rev-parse", `${newHead}^`)).toBe(oldHead);
    expect(git(remote.bare, "log", "-1", "--format=%an%n%B", BRANCH)).toContain(
      "Patchsmith-Undo: job-2",
    );
    expect(showFile(remote.bare, BRANCH, "src/sum.js")).toBe(
      "export const sum = (a, b) => a + b;\n",
    );
    expect(showFile(remote.bare, BRANCH, "src/format.js")).toBe(BUGGY_SUM_PROJECT["src/format.js"]);
    expect(showFile(remote.bare, BRANCH, "NOTES.md")).toBe("by a person\n");
    expect(seen.replies.at(-1)).toContain(newHead);
    expect(seen.reactions).toEqual(["eyes", "rocket"]);
  });
});
