import { afterEach, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { CommandRunner, GateReport, RunCommandInput } from "../../src/core/index.js";
import {
  changedLinesOf,
  checkRunFor,
  renderGateReport,
  repairInstructions,
  runGate,
} from "../../src/gate/index.js";
import { gateInput, gateSettings, makeRepo, type TestRepo } from "../fixtures/gate/make-repo.js";

const sum = `export function sum(a, b) {\n  return a + b;\n}\n`;
const sumTest = `import { test } from "node:test";
import assert from "node:assert/strict";
import { sum } from "../src/sum.js";

test("adds two numbers", () => {
  assert.equal(sum(2, 3), 5);
});

test("adds negatives", () => {
  assert.equal(sum(-2, -3), -5);
});
`;
const jsProject = {
  "package.json":
    JSON.stringify(
      { name: "fixture", type: "module", scripts: { test: "node --test test/" } },
      null,
      2,
    ) + "\n",
  "src/sum.js": sum,
  "test/sum.test.js": sumTest,
};

const check = (report: GateReport, name: string) => report.checks.find((c) => c.name === name)!;

let repo: TestRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

describe("gate on a JavaScript repository", () => {
  it("blocks a change that breaks a test, and passes the repaired tree", async () => {
    repo = await makeRepo(jsProject);
    await repo.write({ "src/sum.js": `export function sum(a, b) {\n  return a - b;\n}\n` });
    const broken = await runGate(gateInput(repo));
    expect(broken.passed).toBe(false);
    expect(check(broken, "tests")).toMatchObject({ status: "fail", blocking: true });
    expect(
      broken.findings.some(
        (f) => f.check === "tests" && /adds two numbers/.test(f.message) && !f.preExisting,
      ),
    ).toBe(true);
    expect(repairInstructions(broken)).toMatch(/adds two numbers/);
    expect(broken.score).toBeLessThan(70);

    await repo.write({ "src/sum.js": `export function sum(a, b) {\n  return a + b + 0;\n}\n` });
    const repaired = await runGate(gateInput(repo));
    expect(repaired.passed, await renderGateReport(repaired)).toBe(true);
    expect(check(repaired, "tests")).toMatchObject({ status: "pass", blocking: false });
    expect(repaired.score).toBeGreaterThan(90);
  });

  it("reports a test that already fails at the base commit without blocking on it", async () => {
    repo = await makeRepo({ ...jsProject, "test/sum.test.js": sumTest.replace("-5);", "-6);") });
    repo.commit("a failing test lands on main");
    const base = repo.git("rev-parse", "HEAD");
    await repo.write({ "src/extra.js": "export const extra = 1;\n" });
    const report = await runGate({ ...gateInput(repo), baseSha: base });
    const tests = check(report, "tests");
    expect(tests.status).toBe("fail");
    expect(tests.blocking).toBe(false);
    expect(tests.findings.length).toBeGreaterThan(0);
    expect(tests.findings.every((f) => f.preExisting)).toBe(true);
    expect(report.passed).toBe(true);
    expect(await renderGateReport(report)).toMatch(/Already failing at the base commit/);
  });

  it("blocks focused, skipped and deleted tests as tampering", async () => {
    repo = await makeRepo({ ...jsProject, "test/other.test.js": sumTest });
    await repo.write({
      "test/sum.test.js": sumTest
        .replace('test("adds negatives"', 'test.skip("adds negatives"')
        .replace('test("adds two', 'test.only("adds two'),
    });
    await repo.remove("test/other.test.js");
    const report = await runGate(gateInput(repo));
    const policy = check(report, "policy");
    expect(report.passed).toBe(false);
    expect(policy).toMatchObject({ status: "fail", blocking: true });
    const messages = policy.findings.map((f) => `${f.file}:${f.line ?? ""} ${f.message}`);
    expect(messages.some((m) => /test\/sum\.test\.js:9 .*skips a test/.test(m))).toBe(true);
    expect(messages.some((m) => /test\/sum\.test\.js:5 .*focuses a test/.test(m))).toBe(true);
    expect(messages.some((m) => /deletes the test file test\/other\.test\.js/.test(m))).toBe(true);
  });

  it("blocks removed assertions and an edited snapshot", async () => {
    repo = await makeRepo({
      ...jsProject,
      "test/__snapshots__/sum.test.js.snap": "exports[`sum 1`] = `5`;\n",
    });
    await repo.write({
      "test/sum.test.js": sumTest.replace("  assert.equal(sum(-2, -3), -5);\n", ""),
      "test/__snapshots__/sum.test.js.snap": "exports[`sum 1`] = `6`;\n",
    });
    const policy = check(await runGate(gateInput(repo)), "policy");
    expect(policy.blocking).toBe(true);
    expect(policy.findings.map((f) => f.message).join("\n")).toMatch(
      /removes assertions \(2 before, 1 after\)[\s\S]*|edits the snapshot/,
    );
    expect(policy.findings.some((f) => /edits the snapshot/.test(f.message))).toBe(true);
    expect(
      policy.findings.some((f) => /removes assertions \(2 before, 1 after\)/.test(f.message)),
    ).toBe(true);
  });

  it("blocks a change to .github/workflows", async () => {
    repo = await makeRepo({ ...jsProject, ".github/workflows/ci.yml": "on: push\n" });
    await repo.write({ ".github/workflows/ci.yml": "on: [push, pull_request]\n" });
    const report = await runGate(gateInput(repo));
    expect(report.passed).toBe(false);
    expect(check(report, "policy").findings).toEqual([
      expect.objectContaining({
        file: ".github/workflows/ci.yml",
        severity: "error",
        preExisting: false,
      }),
    ]);
  });

  it("blocks a committed AWS key and GitHub token, on the lines that added them", async () => {
    repo = await makeRepo(jsProject);
    await repo.write({
      "src/config.js": [
        "export const region = 'eu-west-1';",
        "export const accessKeyId = 'AKIAQWERTYUIOPASDFGH';",
        "export const aws_secret_access_key = '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';",
        "export const token = 'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789';",
        "",
      ].join("\n"),
    });
    const report = await runGate(gateInput(repo));
    const secrets = check(report, "secrets");
    expect(report.passed).toBe(false);
    expect(secrets.blocking).toBe(true);
    const lines = secrets.findings.map((f) => f.line);
    expect(lines).toEqual(expect.arrayContaining([2, 3, 4]));
    const run = checkRunFor(report, "f".repeat(40), await changedLinesOf(repo.dir, repo.baseSha));
    expect(run.conclusion).toBe("failure");
    expect(
      run.annotations
        .filter((a) => a.path === "src/config.js" && a.level === "failure")
        .map((a) => a.startLine),
    ).toEqual(expect.arrayContaining([2, 3, 4]));
    // The report names the finding but never repeats the secret.
    const markdown = await renderGateReport(report);
    expect(markdown).not.toContain("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789");
    expect(markdown).not.toContain("AKIAQWERTYUIOPASDFGH");
  });

  it("formats changed files in place with the repository's prettier, and lints them with the built-in ESLint config", async () => {
    repo = await makeRepo({ ...jsProject, ".prettierrc.json": "{}\n" });
    await repo.write({
      "src/messy.js": "export   const  x = {a:1,\n b:2}\n",
      "src/bad.js": "export function f() {\n  debugger;\n}\n",
    });
    const report = await runGate(gateInput(repo));
    const format = check(report, "format");
    expect(format.status).toBe("pass");
    expect(format.summary).toMatch(/prettier formatted .*src\/messy\.js/);
    expect(await readFile(path.join(repo.dir, "src/messy.js"), "utf8")).toBe(
      "export const x = { a: 1, b: 2 };\n",
    );
    const lint = check(report, "lint");
    expect(lint).toMatchObject({ status: "fail", blocking: true });
    expect(lint.findings).toContainEqual(
      expect.objectContaining({
        file: "src/bad.js",
        line: 2,
        message: expect.stringMatching(/no-debugger/),
      }),
    );
  });

  it("leaves the style of a repository that uses no formatter alone", async () => {
    repo = await makeRepo(jsProject);
    const ownStyle = "export   const  x = {a:1,\n b:2}\n";
    await repo.write({ "src/own-style.js": ownStyle });
    const report = await runGate(gateInput(repo));
    expect(check(report, "format")).toMatchObject({
      status: "skipped",
      summary: expect.stringMatching(/no formatter/),
    });
    expect(await readFile(path.join(repo.dir, "src/own-style.js"), "utf8")).toBe(ownStyle);
    expect(report.passed).toBe(true);
  });

  it("gives the network to the install step only, and kills a test command that never ends", async () => {
    repo = await makeRepo(jsProject);
    await repo.write({ "src/sum.js": "export function sum(a, b) {\n  for (;;) a++;\n}\n" });
    const calls: RunCommandInput[] = [];
    const base = gateInput(repo);
    const recording = (dir: string): CommandRunner => {
      const inner = base.runnerFor(dir);
      return { run: (input) => (calls.push(input), inner.run(input)) };
    };
    const settings = gateSettings({
      gate: { timeoutSeconds: 2, installNetwork: true },
      commands: { install: "echo installed > .installed" },
    });
    const report = await runGate({ ...base, settings, runnerFor: recording });
    expect(check(report, "install")).toMatchObject({ status: "pass", blocking: false });
    expect(calls[0]).toMatchObject({
      argv: ["sh", "-c", "echo installed > .installed"],
      network: true,
    });
    expect(calls.slice(1).length).toBeGreaterThan(0);
    expect(calls.slice(1).every((c) => c.network !== true)).toBe(true);
    const tests = check(report, "tests");
    expect(tests).toMatchObject({ status: "fail", blocking: true });
    expect(tests.findings.map((f) => f.message)).toContain("the test command timed out after 2 s");
    expect(tests.durationMs).toBeLessThan(20_000);
  });
});
