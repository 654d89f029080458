import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { makeRepo, tempDir } from "../fakes/git-fixtures.js";

const PROJECT = {
  "package.json": `${JSON.stringify({ name: "p", private: true, type: "module", scripts: { test: "node --test" } }, null, 2)}\n`,
  "src/sum.js": "export function sum(a, b) {\n  return a + b;\n}\n",
  "test/sum.test.js":
    'import { test } from "node:test";\nimport assert from "node:assert/strict";\nimport { sum } from "../src/sum.js";\n\ntest("adds", () => {\n  assert.equal(sum(1, 2), 3);\n});\n',
};

async function gate(args: string[]) {
  const out = { stdout: "", stderr: "" };
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PATCHSMITH_WORK_DIR: await tempDir(),
    LOG_LEVEL: "silent",
  };
  const code = await main(["gate", ...args], {
    env,
    io: { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t) },
  });
  return { code, ...out };
}

describe("patchsmith gate", () => {
  it("exits 0 when the working-tree change passes, with a readable report", async () => {
    const repo = await makeRepo(PROJECT);
    await writeFile(
      path.join(repo, "src/double.js"),
      "export function double(n) {\n  return n * 2;\n}\n",
    );
    const result = await gate(["--repo", repo]);
    expect(result.stdout).toMatch(/Quality gate: passed/);
    expect(result.code).toBe(0);
  });

  it("exits 1 and names the check when the change focuses a test", async () => {
    const repo = await makeRepo(PROJECT);
    await writeFile(
      path.join(repo, "test/sum.test.js"),
      PROJECT["test/sum.test.js"].replace('test("adds"', 'test.only("adds"'),
    );
    const result = await gate(["--repo", repo, "--json"]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      passed: boolean;
      checks: { name: string; blocking: boolean }[];
    };
    expect(report.passed).toBe(false);
    expect(report.checks.find((c) => c.name === "policy")?.blocking).toBe(true);
  });

  it("exits 2 on a usage error", async () => {
    const repo = await makeRepo(PROJECT);
    expect((await gate(["--repo", repo, "--base", "no-such-ref"])).code).toBe(2);
    expect((await gate([])).stderr).toMatch(/--repo is required/);
  });
});
