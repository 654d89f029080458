/**
 * The implement ⇄ gate loop on a real repository with a scripted model: a change that
 * breaks the tests is blocked, its findings go back to the model, and the repair lands;
 * when the rounds run out the pull request is a draft that says what still fails.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../src/config/index.js";
import type { Job } from "../../src/core/index.js";
import { createLocalGitHub } from "../../src/github/index.js";
import { createGitWorkspace } from "../../src/workspace/index.js";
import { createJobHandler, createRunnerFactory } from "../../src/worker.js";
import { silentLogger } from "../../src/core/index.js";
import { git, makeRepo, showFile, tempDir } from "../fakes/git-fixtures.js";
import { BUGGY_SUM_PROJECT, SUM_PLAN } from "../fakes/js-project.js";
import { editorCall, ScriptedModel, text, toolUse } from "../fakes/scripted-model.js";

/** The base passes its tests; the first attempt breaks sum() while adding multiply(). */
const WORKING_PROJECT = {
  ...BUGGY_SUM_PROJECT,
  "src/sum.js": "export function sum(a, b) {\n  return a + b;\n}\n",
};
const ISSUE = { title: "Add multiply()", body: "We need `multiply(a, b)` next to `sum` in src/." };
const PLAN = { ...SUM_PLAN, summary: "Add multiply().", files: ["src/multiply.js"] };
const ADD_MULTIPLY = {
  command: "create",
  path: "src/multiply.js",
  file_text: "export function multiply(a, b) {\n  return a * b;\n}\n",
};
const BREAKING_EDIT = {
  command: "str_replace",
  path: "src/sum.js",
  old_str: "return a + b;",
  new_str: "return a * b;",
};
const REPAIR = {
  command: "str_replace",
  path: "src/sum.js",
  old_str: "return a * b;",
  new_str: "return a + b;",
};
const BRANCH = "patchsmith/issue-7-add-multiply";

async function runWith(model: ScriptedModel, config?: string) {
  const files = { ...WORKING_PROJECT, ...(config ? { ".github/patchsmith.yml": config } : {}) };
  const repo = await makeRepo(files);
  const env = parseEnv({
    PATH: process.env.PATH,
    PATCHSMITH_WORK_DIR: await tempDir(),
    LOG_LEVEL: "silent",
  });
  const github = createLocalGitHub({
    issue: { number: 7, ...ISSUE, comments: [] },
    defaultBranch: "main",
    progress: () => {},
  });
  const runnerFor = createRunnerFactory(env, silentLogger);
  const workspace = createGitWorkspace({
    workDir: path.join(env.PATCHSMITH_WORK_DIR!, "w"),
    gitBaseUrl: repo,
    remoteUrlFor: () => repo,
    runnerFor,
    env: { PATH: process.env.PATH ?? "" },
  });
  const handler = createJobHandler({
    env,
    logger: silentLogger,
    githubFor: async () => github,
    workspace,
    model,
  });
  const job: Job = {
    id: "j",
    kind: "issue",
    repo: { owner: "local", name: "calc" },
    number: 7,
    trigger: { deliveryId: "d", actor: "me", kind: "local", at: new Date().toISOString() },
    mode: "implement",
  };
  const outcome = await handler.run(job);
  return { outcome, github, repo };
}

describe("repair loop", () => {
  it("blocks a change that breaks a test, sends the failure back, and publishes the repair", async () => {
    const model = new ScriptedModel([
      toolUse("submit_plan", PLAN),
      editorCall(ADD_MULTIPLY, BREAKING_EDIT),
      text("Done."),
      editorCall(REPAIR),
      text("Repaired."),
    ]);
    const { outcome, github, repo } = await runWith(model);
    model.assertDone();
    expect(outcome.status).toBe("published");
    expect(outcome.report.gateRounds.map((r) => r.passed)).toEqual([false, true]);
    expect(outcome.report.gateRounds[0]!.blocking).toContain("tests");
    expect(outcome.report.repairRounds).toBe(1);
    // The repair round was told what failed.
    expect(JSON.stringify(model.calls[3]!.messages)).toMatch(/tests/i);
    expect(JSON.stringify(model.calls[3]!.messages)).toMatch(/sum\.test\.js|adds/);
    expect(github.pullRequests[0]!.draft).toBe(false);
    expect(github.pullRequests[0]!.body).toMatch(
      /\*\*Rounds:\*\* first try ❌ \(tests\) → repair 1 ✅/,
    );
    expect(showFile(repo, BRANCH, "src/sum.js")).toContain("a + b");
    expect(showFile(repo, BRANCH, "src/multiply.js")).toContain("a * b");
  });

  it("opens a draft that says what fails when the rounds run out", async () => {
    const model = new ScriptedModel([
      toolUse("submit_plan", PLAN),
      editorCall(ADD_MULTIPLY, BREAKING_EDIT),
      text("Done."),
      text("I cannot fix it."),
    ]);
    const { outcome, github } = await runWith(model, "gate:\n  repairRounds: 1\n");
    model.assertDone();
    expect(outcome.status).toBe("published");
    expect(outcome.report.gateRounds.map((r) => r.passed)).toEqual([false, false]);
    const pr = github.pullRequests[0]!;
    expect(pr.draft).toBe(true);
    expect(pr.body).toMatch(/still fails after 1 repair round/);
    expect(pr.body).toMatch(/Quality gate: (failed|blocked)/i);
    const status = [...github.comments.values()].at(-1)!;
    expect(status).toMatch(/draft/);
    expect(status).toMatch(/⚠️ Checking/);
    expect(github.checkRuns[0]).toMatchObject({
      conclusion: "failure",
      title: expect.stringMatching(/tests/),
    });
  });

  it("fails with the file and line when .github/patchsmith.yml is wrong, and changes nothing", async () => {
    const model = new ScriptedModel([]);
    const { outcome, github, repo } = await runWith(model, "gate:\n  repairRounds: lots\n");
    expect(outcome.status).toBe("failed");
    const status = [...github.comments.values()].at(-1)!;
    expect(status).toMatch(/line 2: gate\.repairRounds/);
    expect(status).toMatch(/Fix \.github\/patchsmith\.yml/);
    expect(git(repo, "branch", "--list", "patchsmith/*")).toBe("");
  });
});
