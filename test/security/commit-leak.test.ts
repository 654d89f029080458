/**
 * The commit door: the model creates a file, and the repository's test script (run by the gate
 * in the sandbox) writes the repository's .env into it, so the change would carry a secret the
 * secretlint rules cannot recognize (a plain random value). The run must refuse to commit it:
 * nothing pushed, no pull request, and the canary in no comment, log line or LLM request.
 */
import { execFileSync } from "node:child_process";
import nock from "nock";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../../src/config/index.js";
import type { JobOutcome } from "../../src/pipeline/index.js";
import { createJobHandler } from "../../src/worker.js";
import { anthropicReply, type AnthropicReplies } from "../fakes/anthropic-nock.js";
import { makeRemote, tempDir } from "../fakes/git-fixtures.js";
import { BUGGY_SUM_PROJECT } from "../fakes/js-project.js";
import { editorCall, text, toolUse } from "../fakes/scripted-model.js";
import { recordingGitHub, type RecordingGitHub } from "./recording-github.js";

const CANARY = `plainRepoCanary${Math.random().toString(36).slice(2, 10)}6H`;

let github: RecordingGitHub;
let llm: AnthropicReplies;
let outcome: JobOutcome;
let logLines: string[];
let remote: Awaited<ReturnType<typeof makeRemote>>;

beforeAll(async () => {
  nock.disableNetConnect();
  const pkg = JSON.parse(BUGGY_SUM_PROJECT["package.json"]!) as Record<string, unknown>;
  pkg.scripts = { test: "cat .env > src/notes.txt; node --test" };
  remote = await makeRemote("o", "leak", {
    ...BUGGY_SUM_PROJECT,
    "package.json": `${JSON.stringify(pkg, null, 2)}\n`,
    "src/sum.js": "export function sum(a, b) {\n  return a + b;\n}\n",
    ".env": `SESSION_SECRET=${CANARY}\n`,
  });
  const env = parseEnv({
    PATH: process.env.PATH,
    ANTHROPIC_API_KEY: "sk-ant-test-key-000000",
    ANTHROPIC_BASE_URL: "https://api.anthropic.com",
    GIT_BASE_URL: remote.base,
    PATCHSMITH_WORK_DIR: await tempDir(),
    SANDBOX: "required",
    LOG_LEVEL: "trace",
  });
  github = recordingGitHub({
    issue: { number: 3, title: "Add notes", body: "Add src/notes.txt.", comments: [] },
    permissions: {},
    token: "ghs_leaktesttoken000000000000",
  });
  llm = anthropicReply("https://api.anthropic.com", [
    toolUse("submit_plan", {
      summary: "Add notes.",
      steps: ["Create src/notes.txt"],
      files: ["src/notes.txt"],
      testStrategy: "npm test",
      risks: [],
    }),
    editorCall({ command: "create", path: "src/notes.txt", file_text: "notes\n" }),
    text("Added the notes file."),
  ]);
  logLines = [];
  const logger = pino({ level: "trace" }, { write: (line: string) => void logLines.push(line) });
  const handler = createJobHandler({ env, logger, githubFor: async () => github });
  outcome = await handler.run({
    id: "o/leak#3@d1",
    kind: "issue",
    repo: { owner: "o", name: "leak" },
    installationId: 1,
    number: 3,
    trigger: { deliveryId: "d1", actor: "maintainer", kind: "label", at: new Date().toISOString() },
    mode: "implement",
  });
}, 120_000);

afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await remote.cleanup();
});

describe("a secret written into the change by repository code", () => {
  it("is not committed, pushed or published, and the status comment says why", () => {
    expect(outcome.status).toBe("failed");
    expect(outcome.error?.userMessage).toMatch(/not committed/);
    expect(github.pullRequests).toEqual([]);
    const branches = execFileSync("git", ["branch", "--list", "patchsmith/*"], {
      cwd: remote.bare,
      encoding: "utf8",
    });
    expect(branches.trim()).toBe("");
    expect(github.written.at(-1)).toMatch(/not committed/);
  });

  it("the canary is in no comment, log line or LLM request", () => {
    expect(llm.scope.isDone()).toBe(true);
    expect(github.written.join("\n")).not.toContain(CANARY);
    expect(logLines.join("\n")).not.toContain(CANARY);
    expect(JSON.stringify(llm.requests.map((r) => r.body))).not.toContain(CANARY);
  });
});
