/**
 * The receiver reads the trigger label from the merged configuration: the organization's
 * `.github` repository under the repository's own file, both through the Contents API.
 */
import type { Probot } from "probot";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { fetchRepoConfigLenient } from "../../src/config/index.js";
import type { Job } from "../../src/core/index.js";
import { readRepoFile } from "../../src/github/index.js";
import { createTestProbot, useGitHubNock, webhookExample } from "../fakes/github-nock.js";

const gh = useGitHubNock();
const INSTALLATION = 4711;
const REPO = "/repos/Codertocat/Hello-World";
const CONFIG = ".github%2Fpatchsmith.yml";

const file = (text: string) => ({
  type: "file",
  encoding: "base64",
  size: text.length,
  content: Buffer.from(text).toString("base64"),
});

let probot: Probot;
let jobs: Job[];

beforeEach(async () => {
  probot = createTestProbot();
  jobs = [];
  const queue = {
    enqueue: async (job: Job) => (jobs.push(job), true),
    process() {},
    cancel: async () => false,
    drain: async () => {},
    close: async () => {},
  };
  await probot.load(
    createApp({
      queue,
      botLogin: "patchsmith[bot]",
      repoConfigFor: (octokit, repo) =>
        fetchRepoConfigLenient((r, p) => readRepoFile(octokit, r, p), repo),
    }),
  );
});

function labeled(name: string) {
  const payload = webhookExample("issues", "labeled", INSTALLATION);
  payload.label.name = name;
  return { id: `d-${name}-${Math.random()}`, name: "issues", payload } as never;
}

describe("receiver configuration", () => {
  it("uses the organization's trigger label when the repository has no file", async () => {
    gh.installationToken(INSTALLATION);
    const api = gh.api();
    api.get(`${REPO}/contents/${CONFIG}`).reply(404, { message: "Not Found" });
    api
      .get(`/repos/Codertocat/.github/contents/${CONFIG}`)
      .reply(200, file("trigger:\n  label: ai-fix\n"));
    api
      .get(`${REPO}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "write", role_name: "write" });
    api.post(`${REPO}/issues/1/reactions`, { content: "eyes" }).reply(201, {});
    api.post(`${REPO}/issues/1/comments`).reply(201, { id: 9 });
    await probot.receive(labeled("ai-fix"));
    expect(jobs).toHaveLength(1);
  });

  it("the repository's file wins over the organization's, and the default label then does nothing", async () => {
    gh.installationToken(INSTALLATION);
    const api = gh.api();
    api.get(`${REPO}/contents/${CONFIG}`).reply(200, file("trigger:\n  label: bot-please\n"));
    api
      .get(`/repos/Codertocat/.github/contents/${CONFIG}`)
      .reply(200, file("trigger:\n  label: ai-fix\n"));
    await probot.receive(labeled("ai-fix"));
    expect(jobs).toHaveLength(0);
  });

  it("keeps the label of a file that has other problems (the worker reports them)", async () => {
    gh.installationToken(INSTALLATION);
    const api = gh.api();
    api
      .get(`${REPO}/contents/${CONFIG}`)
      .times(2)
      .reply(200, file("trigger:\n  label: bot-please\ngate:\n  repairRound: 2\n"));
    api.get(`/repos/Codertocat/.github/contents/${CONFIG}`).times(2).reply(404, {});
    api
      .get(`${REPO}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "admin", role_name: "admin" });
    api.post(`${REPO}/issues/1/reactions`, { content: "eyes" }).reply(201, {});
    api.post(`${REPO}/issues/1/comments`).reply(201, { id: 9 });
    await probot.receive(labeled("bot-please"));
    expect(jobs).toHaveLength(1);
  });
});
