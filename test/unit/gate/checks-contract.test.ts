/** Every registered check meets the plugin contract, on a real repository with and without changes. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRepoConfig } from "../../../src/config/index.js";
import { silentLogger, type CommandRunner } from "../../../src/core/index.js";
import {
  diffAgainst,
  registeredChecks,
  type CheckContext,
  type CheckOutcome,
} from "../../../src/gate/index.js";
import { createSandboxRunner } from "../../../src/workspace/sandbox/index.js";
import { gateSettings, makeRepo, profile, type TestRepo } from "../../fixtures/gate/make-repo.js";

const statuses = ["pass", "fail", "skipped", "error"];

function expectOutcome(outcome: CheckOutcome): void {
  expect(statuses).toContain(outcome.status);
  expect(typeof outcome.summary).toBe("string");
  expect(outcome.summary.length).toBeGreaterThan(0);
  expect(Array.isArray(outcome.findings)).toBe(true);
  for (const finding of outcome.findings) {
    expect(typeof finding.message).toBe("string");
    expect(["error", "warning"]).toContain(finding.severity);
    if (finding.file !== undefined) expect(finding.file).not.toMatch(/^\//);
    if (finding.line !== undefined)
      expect(Number.isInteger(finding.line) && finding.line > 0).toBe(true);
  }
  if (outcome.status === "fail") expect(outcome.findings.length).toBeGreaterThan(0);
}

let repo: TestRepo;
let runner: CommandRunner;

async function context(): Promise<CheckContext> {
  const diff = await diffAgainst(repo.dir, repo.baseSha);
  return {
    dir: repo.dir,
    baseSha: repo.baseSha,
    profile: profile(),
    settings: gateSettings(),
    runner,
    diff,
    files: diff.files.filter((f) => f.status !== "deleted").map((f) => f.path),
    isBaseline: false,
    timeoutMs: 60_000,
    logger: silentLogger,
  };
}

beforeAll(async () => {
  repo = await makeRepo({
    "package.json": JSON.stringify({ type: "module", scripts: { test: "node --test test/" } }),
    "tsconfig.json": JSON.stringify({
      compilerOptions: { noEmit: true, strict: true, types: [] },
      include: ["src"],
    }),
    "src/a.ts": "export const a: number = 1;\n",
    "test/a.test.js": 'import { test } from "node:test";\ntest("a", () => {});\n',
    "app.py": "x = 1\n",
  });
  runner = createSandboxRunner({ root: repo.dir, mode: "auto" });
});
afterAll(() => repo.cleanup());

describe("the check plugin contract", () => {
  it("names every check once, with the names the repository config can skip", () => {
    const names = registeredChecks.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    // The repo config documents these names for gate.skip.
    expect([...names].sort()).toEqual([
      "format",
      "lint",
      "policy",
      "secrets",
      "tests",
      "typecheck",
    ]);
    expect(defaultRepoConfig().gate.skip).toEqual([]);
  });

  for (const check of registeredChecks) {
    describe(check.name, () => {
      it("declares itself", () => {
        expect(check.name).toMatch(/^[a-z]+$/);
        expect(check.description.length).toBeGreaterThan(10);
        expect(typeof check.comparesWithBaseline).toBe("boolean");
        expect(["changed-files", "repository"]).toContain(check.scope);
        expect(typeof check.appliesTo).toBe("function");
        expect(typeof check.run).toBe("function");
      });

      it("does not apply, or runs cleanly, when nothing changed", async () => {
        const ctx = await context();
        expect(ctx.diff.files).toEqual([]);
        const applies = await check.appliesTo(ctx);
        expect(typeof applies).toBe("boolean");
        if (applies) expectOutcome(await check.run(ctx));
      });

      it("returns a well-formed outcome on a change, and resolves rather than throws", async () => {
        await repo.write({
          "src/a.ts": "export const a: number = 2;\n",
          "src/b.js": "export const b = 1;\n",
          "app.py": "x = 2\n",
        });
        try {
          const ctx = await context();
          expect(await check.appliesTo(ctx)).toBe(true);
          expectOutcome(await check.run(ctx));
        } finally {
          repo.git("checkout", "-q", "--", ".");
          await repo.remove("src/b.js");
        }
      });
    });
  }
});
