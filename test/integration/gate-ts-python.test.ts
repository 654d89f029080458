import { afterEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import type { GateReport } from "../../src/core/index.js";
import { runGate } from "../../src/gate/index.js";
import {
  gateInput,
  gateSettings,
  makeRepo,
  profile,
  type TestRepo,
} from "../fixtures/gate/make-repo.js";

const check = (report: GateReport, name: string) => report.checks.find((c) => c.name === name)!;

let repo: TestRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

const tsProject = {
  "package.json":
    JSON.stringify(
      { name: "ts-fixture", type: "module", scripts: { test: "vitest run" } },
      null,
      2,
    ) + "\n",
  "tsconfig.json":
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          types: [],
        },
        include: ["src"],
      },
      null,
      2,
    ) + "\n",
  "src/price.ts":
    "export function total(prices: number[]): number {\n  return prices.reduce((a, b) => a + b, 0);\n}\n",
  "test/price.test.ts":
    'import { expect, test } from "vitest";\nimport { total } from "../src/price.js";\n\ntest("sums prices", () => {\n  expect(total([1, 2])).toBe(3);\n});\n',
};

describe("gate on a TypeScript repository", () => {
  it("blocks a type error, with file and line", async () => {
    repo = await makeRepo(tsProject);
    await repo.write({
      "src/price.ts":
        'export function total(prices: number[]): number {\n  const label: number = "sum";\n  return prices.reduce((a, b) => a + b, label);\n}\n',
    });
    const report = await runGate({
      ...gateInput(repo),
      settings: gateSettings({ gate: { skip: ["tests"] } }),
    });
    const typecheck = check(report, "typecheck");
    expect(report.passed).toBe(false);
    expect(typecheck).toMatchObject({ status: "fail", blocking: true });
    expect(typecheck.findings).toContainEqual(
      expect.objectContaining({
        file: "src/price.ts",
        line: 2,
        preExisting: false,
        message: expect.stringMatching(/TS2322/),
      }),
    );
    expect(check(report, "tests")).toMatchObject({
      status: "skipped",
      summary: expect.stringMatching(/configuration/),
    });
  });

  it("does not block on a type error that was already there, and runs vitest", async () => {
    repo = await makeRepo({ ...tsProject, "src/legacy.ts": "export const broken: string = 42;\n" });
    await repo.write({ "src/extra.ts": "export const extra: number = 1;\n" });
    const report = await runGate(gateInput(repo));
    const typecheck = check(report, "typecheck");
    expect(typecheck.status).toBe("fail");
    expect(typecheck.blocking).toBe(false);
    expect(typecheck.findings).toEqual([
      expect.objectContaining({ file: "src/legacy.ts", preExisting: true }),
    ]);
    expect(check(report, "tests")).toMatchObject({ status: "pass" });
    expect(report.passed).toBe(true);
  });

  it("names the failing vitest test", async () => {
    repo = await makeRepo(tsProject);
    await repo.write({ "src/price.ts": tsProject["src/price.ts"].replace("a + b", "a * b") });
    const report = await runGate(gateInput(repo));
    const tests = check(report, "tests");
    expect(tests).toMatchObject({ status: "fail", blocking: true });
    expect(tests.findings.map((f) => f.message)).toContainEqual(
      expect.stringMatching(/sums prices/),
    );
  });
});

const hasPytest = (() => {
  try {
    execFileSync("/usr/bin/python3", ["-m", "pytest", "--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasPytest)(
  "gate on a Python repository with pytest (apt-get install python3-pytest)",
  () => {
    const pyProject = {
      "pyproject.toml":
        '[project]\nname = "fixture"\nversion = "0.1.0"\ndependencies = ["requests>=2"]\n',
      "calc.py": "def add(a, b):\n    return a + b\n",
      "tests/test_calc.py":
        "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\ndef test_add_zero():\n    assert add(0, 0) == 0\n",
      "conftest.py": "",
    };
    const pythonProfile = profile({
      languages: [{ name: "Python", files: 3 }],
      manifests: ["pyproject.toml"],
    });

    it("blocks a change that breaks a test and names it", async () => {
      repo = await makeRepo(pyProject, { nodeModules: false });
      await repo.write({ "calc.py": "def add(a, b):\n    return a - b\n" });
      const report = await runGate({ ...gateInput(repo), profile: pythonProfile });
      const tests = check(report, "tests");
      expect(tests, tests.output).toMatchObject({ status: "fail", blocking: true });
      expect(tests.findings).toContainEqual(
        expect.objectContaining({
          file: "tests/test_calc.py",
          message: expect.stringMatching(/test_add\b/),
        }),
      );
      expect(report.passed).toBe(false);
    });

    it("passes a good change, and blocks a syntax error, a new dependency and a new skip", async () => {
      repo = await makeRepo(pyProject, { nodeModules: false });
      await repo.write({ "calc.py": "def add(a, b):\n    return b + a\n" });
      const good = await runGate({ ...gateInput(repo), profile: pythonProfile });
      expect(good.passed, JSON.stringify(good.checks, null, 1)).toBe(true);
      expect(check(good, "tests").status).toBe("pass");
      expect(check(good, "lint").status).toBe("pass");

      await repo.write({
        "helper.py": "def broken(:\n    pass\n",
        "pyproject.toml": pyProject["pyproject.toml"].replace(
          '["requests>=2"]',
          '["requests>=2", "leftpad>=1"]',
        ),
        "tests/test_calc.py": pyProject["tests/test_calc.py"]
          .replace("def test_add_zero", "@pytest.mark.skip\ndef test_add_zero")
          .replace("from calc", "import pytest\nfrom calc"),
      });
      const bad = await runGate({ ...gateInput(repo), profile: pythonProfile });
      expect(check(bad, "lint").findings).toContainEqual(
        expect.objectContaining({
          file: "helper.py",
          line: 1,
          message: expect.stringMatching(/SyntaxError/),
        }),
      );
      const policy = check(bad, "policy")
        .findings.map((f) => f.message)
        .join("\n");
      expect(policy).toMatch(/adds the dependency leftpad \(pypi\)/);
      expect(policy).toMatch(/skips a test/);
      expect(bad.passed).toBe(false);
    });
  },
);
