/**
 * The receiver's side of the commands and modes, through Probot with real example payloads and
 * strict nock; jobs land in a recording queue (the worker is not under test here).
 */
import type { Probot } from "probot";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { defaultRepoConfig } from "../../src/config/index.js";
import type { Job, JobQueue } from "../../src/core/index.js";
import { createTestProbot, useGitHubNock, webhookExample } from "../fakes/github-nock.js";

const gh = useGitHubNock();
const INSTALLATION = 4711;
const REPO = "/repos/Codertocat/Hello-World";

function recordingQueue(): JobQueue & { jobs: Job[] } {
  const jobs: Job[] = [];
  return {
    jobs,
    async enqueue(job) {
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

let probot: Probot;
let queue: ReturnType<typeof recordingQueue>;

async function load(options: { modes?: ("implement" | "tests" | "refactor" | "docs")[] } = {}) {
  probot = createTestProbot();
  queue = recordingQueue();
  await probot.load(
    createApp({
      queue,
      botLogin: "patchsmith[bot]",
      repoConfigFor: async () => {
        const config = defaultRepoConfig();
        return options.modes
          ? { ...config, trigger: { ...config.trigger, modes: options.modes } }
          : config;
      },
    }),
  );
}

beforeEach(() => load());

function writer(role = "write") {
  gh.installationToken(INSTALLATION);
  gh.api()
    .get(`${REPO}/collaborators/Codertocat/permission`)
    .reply(200, { permission: role, role_name: role });
}

async function comment(body: string) {
  const payload = webhookExample("issue_comment", "created", INSTALLATION);
  payload.comment.body = body;
  await probot.receive({ id: `d-${body}`, name: "issue_comment", payload } as never);
  return payload.comment.id as number;
}

function expectReply(pattern: RegExp, seen: string[]) {
  gh.api()
    .post(`${REPO}/issues/1/comments`, (b: { body: string }) => {
      seen.push(b.body);
      return pattern.test(b.body);
    })
    .reply(201, { id: 1 });
}

function expectReactions(commentId: number, ...contents: string[]) {
  for (const content of contents) {
    gh.api().post(`${REPO}/issues/comments/${commentId}/reactions`, { content }).reply(201, {});
  }
}

const exampleCommentId = webhookExample("issue_comment", "created").comment.id as number;

describe("commands in the receiver", () => {
  it("/help lists the commands: 👀 then 🚀", async () => {
    writer();
    const seen: string[] = [];
    expectReply(/\/approve/, seen);
    expectReactions(exampleCommentId, "eyes", "rocket");
    await comment("/help");
    for (const command of [
      "/generate",
      "/plan",
      "/approve",
      "/cancel",
      "/retry",
      "/undo",
      "/help",
    ]) {
      expect(seen[0]).toContain(`\`${command}`);
    }
    expect(seen[0]).toContain("`patchsmith:tests`");
    expect(queue.jobs).toEqual([]);
  });

  it("an unknown command gets the list, with 😕", async () => {
    writer();
    const seen: string[] = [];
    expectReply(/`\/deploy` is not a patchsmith command/, seen);
    expectReactions(exampleCommentId, "eyes", "confused");
    await comment("/deploy now");
    expect(seen[0]).toContain("`/retry`");
    expect(queue.jobs).toEqual([]);
  });

  it("an unknown command from a read-only user: no reply at all", async () => {
    writer("read");
    await comment("/deploy now");
    expect(queue.jobs).toEqual([]);
  });

  it("a mode outside trigger.modes: a reply listing the allowed ones, no job", async () => {
    await load({ modes: ["implement", "docs"] });
    writer();
    const seen: string[] = [];
    expectReply(/mode `refactor` is not allowed/, seen);
    expectReactions(exampleCommentId, "eyes", "confused");
    await comment("/generate refactor split the module");
    expect(seen[0]).toContain("`implement`, `docs`");
    expect(queue.jobs).toEqual([]);
  });

  it("the label patchsmith:tests picks tests mode", async () => {
    writer();
    gh.api().post(`${REPO}/issues/1/reactions`, { content: "eyes" }).reply(201, {});
    gh.api()
      .post(`${REPO}/issues/1/comments`, (b: { body: string }) => b.body.includes("mode `tests`"))
      .reply(201, { id: 5 });
    const payload = webhookExample("issues", "labeled", INSTALLATION);
    payload.label.name = "patchsmith:tests";
    await probot.receive({ id: "d-label-tests", name: "issues", payload } as never);
    expect(queue.jobs.map((j) => j.mode)).toEqual(["tests"]);
  });

  it("a label patchsmith:unknown starts nothing", async () => {
    const payload = webhookExample("issues", "labeled", INSTALLATION);
    payload.label.name = "patchsmith:everything";
    await probot.receive({ id: "d-label-x", name: "issues", payload } as never);
    expect(queue.jobs).toEqual([]);
  });

  it("/undo on an issue (not a pull request) is refused", async () => {
    writer();
    expectReply(/works on a pull request/, []);
    expectReactions(exampleCommentId, "eyes", "confused");
    await comment("/undo");
    expect(queue.jobs).toEqual([]);
  });
});
