/**
 * `pullRequest.draft: always`: even a change whose gate passes opens as a draft, so nothing the
 * bot writes is one click from merging. (A failing gate gives a draft anyway: injection.test.ts.)
 */
import nock from "nock";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseEnv } from "../../src/config/index.js";
import { silentLogger } from "../../src/core/index.js";
import type { JobOutcome } from "../../src/pipeline/index.js";
import { createJobHandler } from "../../src/worker.js";
import { anthropicReply } from "../fakes/anthropic-nock.js";
import { makeRemote, tempDir } from "../fakes/git-fixtures.js";
import { BUGGY_SUM_PROJECT, SUM_FIX, SUM_ISSUE, SUM_PLAN } from "../fakes/js-project.js";
import { editorCall, text, toolUse } from "../fakes/scripted-model.js";
import { recordingGitHub, type RecordingGitHub } from "./recording-github.js";

let github: RecordingGitHub;
let outcome: JobOutcome;
let remote: Awaited<ReturnType<typeof makeRemote>>;

beforeAll(async () => {
  nock.disableNetConnect();
  remote = await makeRemote("o", "drafts", {
    ...BUGGY_SUM_PROJECT,
    ".github/patchsmith.yml": "pullRequest:\n  draft: always\n",
  });
  const env = parseEnv({
    PATH: process.env.PATH,
    ANTHROPIC_API_KEY: "sk-ant-test-key-000000",
    ANTHROPIC_BASE_URL: "https://api.anthropic.com",
    GIT_BASE_URL: remote.base,
    PATCHSMITH_WORK_DIR: await tempDir(),
  });
  github = recordingGitHub({
    issue: { number: 1, ...SUM_ISSUE, comments: [] },
    permissions: {},
    token: "ghs_drafttesttoken00000000000",
  });
  anthropicReply("https://api.anthropic.com", [
    toolUse("submit_plan", SUM_PLAN),
    editorCall(SUM_FIX),
    text("Fixed sum()."),
  ]);
  const handler = createJobHandler({ env, logger: silentLogger, githubFor: async () => github });
  outcome = await handler.run({
    id: "o/drafts#1@d1",
    kind: "issue",
    repo: { owner: "o", name: "drafts" },
    number: 1,
    trigger: { deliveryId: "d1", actor: "maintainer", kind: "label", at: new Date().toISOString() },
    mode: "implement",
  });
}, 120_000);

afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await remote.cleanup();
});

it("a passing gate with pullRequest.draft: always still opens a draft", () => {
  expect(outcome.status).toBe("published");
  expect(outcome.gate?.passed).toBe(true);
  expect(github.pullRequests.map((p) => p.draft)).toEqual([true]);
});
