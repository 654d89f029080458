import { afterEach, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { mkdtemp, readlink, rm, symlink, unlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { CommandRunner } from "../../src/core/index.js";
import { runGate } from "../../src/gate/index.js";
import { gateInput, makeRepo, type TestRepo } from "../fixtures/gate/make-repo.js";

let repo: TestRepo | undefined;
let cacheDir: string | undefined;
afterEach(async () => {
  await repo?.cleanup();
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  repo = undefined;
});

it("runs the baseline in a cached worktree that shares the workspace's node_modules", async () => {
  // node_modules is a real directory inside the workspace (under the sandbox's private /tmp),
  // as after `npm ci`, so the baseline only sees it when the gate asks the runner to show it.
  repo = await makeRepo(
    {
      "package.json": JSON.stringify({ type: "module", scripts: { test: "node --test test/" } }),
      "node_modules/helper/package.json": JSON.stringify({
        name: "helper",
        type: "module",
        main: "index.js",
      }),
      "node_modules/helper/index.js": "export const double = (x) => x * 2;\n",
      "src/calc.js":
        'import { double } from "helper";\nexport const quadruple = (x) => double(double(x));\n',
      "test/calc.test.js":
        'import { test } from "node:test";\nimport assert from "node:assert/strict";\nimport { quadruple } from "../src/calc.js";\n\ntest("quadruples", () => assert.equal(quadruple(2), 8));\ntest("already broken", () => assert.equal(quadruple(1), 5));\n',
    },
    { nodeModules: false },
  );
  cacheDir = await mkdtemp(path.join(os.tmpdir(), "gate-cache-"));
  await repo.write({ "src/extra.js": "export const extra = 1;\n" });
  const base = gateInput(repo);
  const baselineRuns: string[] = [];
  const input = {
    ...base,
    cacheDir,
    runnerFor: (dir: string, options?: { readOnlyPaths?: string[] }): CommandRunner => {
      const inner = base.runnerFor(dir, options);
      return {
        run: (i) => (dir !== repo!.dir && baselineRuns.push(i.argv.join(" ")), inner.run(i)),
      };
    },
  };

  const first = await runGate(input);
  const tests = first.checks.find((c) => c.name === "tests")!;
  expect(tests.findings.map((f) => [f.message, f.preExisting])).toEqual([
    ["failing test: already broken", true],
  ]);
  expect(tests.blocking).toBe(false);
  expect(first.passed).toBe(true);

  const worktree = path.join(cacheDir, `baseline-${repo.baseSha}`);
  expect(existsSync(`${worktree}.ready`)).toBe(true);
  expect(await readlink(path.join(worktree, "node_modules"))).toBe(
    path.join(repo.dir, "node_modules"),
  );

  // A cached worktree left linking to a workspace that is gone gets relinked.
  await unlink(path.join(worktree, "node_modules"));
  await symlink("/nonexistent/node_modules", path.join(worktree, "node_modules"));
  await rm(path.join(cacheDir, `baseline-${repo.baseSha}.results.json`));
  const second = await runGate(input);
  expect(second.checks.find((c) => c.name === "tests")!.blocking).toBe(false);
  expect(await readlink(path.join(worktree, "node_modules"))).toBe(
    path.join(repo.dir, "node_modules"),
  );

  // With the results cached, the baseline is not run again, though other files changed since;
  // a new failure still blocks.
  const runsBefore = baselineRuns.length;
  expect(runsBefore).toBeGreaterThan(0);
  await repo.write({
    "src/calc.js": 'import { double } from "helper";\nexport const quadruple = (x) => double(x);\n',
  });
  const third = await runGate(input);
  const blocked = third.checks.find((c) => c.name === "tests")!;
  expect(blocked.blocking).toBe(true);
  expect(blocked.findings.filter((f) => !f.preExisting).map((f) => f.message)).toEqual([
    "failing test: quadruples",
  ]);
});

it("treats every failure as new when the baseline cannot see the shared node_modules", async () => {
  repo = await makeRepo(
    {
      "package.json": JSON.stringify({ type: "module", scripts: { test: "node --test test/" } }),
      "node_modules/helper/package.json": JSON.stringify({
        name: "helper",
        type: "module",
        main: "index.js",
      }),
      "node_modules/helper/index.js": "export const one = 1;\n",
      "test/a.test.js":
        'import { test } from "node:test";\nimport assert from "node:assert/strict";\nimport { one } from "helper";\n\ntest("one", () => assert.equal(one, 2));\n',
    },
    { nodeModules: false },
  );
  await repo.write({ "src/extra.js": "export const extra = 1;\n" });
  // A factory that drops the runner options, as a composition root that forgot them would.
  const base = gateInput(repo);
  const report = await runGate({ ...base, runnerFor: (dir) => base.runnerFor(dir) });
  const tests = report.checks.find((c) => c.name === "tests")!;
  expect(tests.findings.map((f) => f.preExisting)).toEqual([false]);
  expect(tests.blocking).toBe(true);
});
