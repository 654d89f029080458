import { describe, expect, it } from "vitest";
import { compareWithBaseline } from "../../../src/gate/compare.js";
import { parseUnifiedDiff } from "../../../src/gate/diff.js";
import {
  parseEslintJson,
  parseLocated,
  parseTestFailures,
  parseTsc,
} from "../../../src/gate/parse-output.js";
import type { CheckOutcome } from "../../../src/gate/index.js";

describe("compareWithBaseline", () => {
  const fail = (findings: CheckOutcome["findings"]): CheckOutcome => ({
    status: "fail",
    summary: "x",
    findings,
  });
  const err = (file: string, message: string, line = 1) => ({
    file,
    line,
    message,
    severity: "error" as const,
  });

  it("marks findings present at the base as pre-existing even when their line moved", () => {
    const result = compareWithBaseline(
      "lint",
      fail([err("a.js", "bad (r)", 12), err("a.js", "new (r)", 3)]),
      fail([err("a.js", "bad (r)", 10)]),
    );
    expect(result.findings.map((f) => f.preExisting)).toEqual([true, false]);
    expect(result.blocking).toBe(true);
  });

  it("counts duplicates: two identical findings where the base had one means one is new", () => {
    const result = compareWithBaseline(
      "lint",
      fail([err("a.js", "dup"), err("a.js", "dup")]),
      fail([err("a.js", "dup")]),
    );
    expect(result.findings.filter((f) => !f.preExisting)).toHaveLength(1);
    expect(result.blocking).toBe(true);
  });

  it("does not block when every error was already there", () => {
    expect(
      compareWithBaseline(
        "tests",
        fail([err("t.py", "failing test: t")]),
        fail([err("t.py", "failing test: t")]),
      ).blocking,
    ).toBe(false);
  });

  it("blocks a failure without findings unless the base failed the same way", () => {
    const opaque: CheckOutcome = { status: "fail", summary: "exit 1", findings: [] };
    expect(
      compareWithBaseline("tests", opaque, { status: "pass", summary: "", findings: [] }).blocking,
    ).toBe(true);
    expect(compareWithBaseline("tests", opaque, undefined).blocking).toBe(true);
    expect(compareWithBaseline("tests", opaque, opaque).blocking).toBe(false);
  });

  it("never blocks a passing check, and warnings alone do not block", () => {
    expect(
      compareWithBaseline(
        "lint",
        { status: "pass", summary: "", findings: [{ message: "w", severity: "warning" }] },
        undefined,
      ).blocking,
    ).toBe(false);
  });
});

describe("parseUnifiedDiff", () => {
  it("reads statuses, added line numbers, and removed lines that look like headers", () => {
    const patch = [
      "diff --git a/src/a.sql b/src/a.sql",
      "index 1..2 100644",
      "--- a/src/a.sql",
      "+++ b/src/a.sql",
      "@@ -3,2 +3,1 @@",
      "--- a removed comment",
      "-select 1;",
      "+select 2;",
      "@@ -10,0 +11,2 @@",
      "+one",
      "+two",
      "diff --git a/old.txt b/old.txt",
      "deleted file mode 100644",
      "--- a/old.txt",
      "+++ /dev/null",
      "@@ -1 +0,0 @@",
      "-gone",
      "diff --git a/new.txt b/new.txt",
      "new file mode 100644",
      "--- /dev/null",
      "+++ b/new.txt",
      "@@ -0,0 +1 @@",
      "+hello",
      "diff --git a/x.js b/y.js",
      "similarity index 100%",
      "rename from x.js",
      "rename to y.js",
    ].join("\n");
    const files = parseUnifiedDiff(patch);
    expect(files.map((f) => [f.path, f.status, f.removedCount])).toEqual([
      ["src/a.sql", "modified", 2],
      ["old.txt", "deleted", 1],
      ["new.txt", "added", 0],
      ["y.js", "renamed", 0],
    ]);
    expect(files[0]!.added).toEqual([
      { line: 3, text: "select 2;" },
      { line: 11, text: "one" },
      { line: 12, text: "two" },
    ]);
    expect(files[3]!.oldPath).toBe("x.js");
  });
});

describe("output parsers", () => {
  it("reads tsc, eslint json and path:line:col output", () => {
    expect(
      parseTsc(
        "src/a.ts(2,9): error TS2322: Type 'string' is not assignable to type 'number'.\n",
        "/r",
      ),
    ).toEqual([
      {
        file: "src/a.ts",
        line: 2,
        message: "TS2322: Type 'string' is not assignable to type 'number'.",
        severity: "error",
      },
    ]);
    const eslint = `(node:1) warning\n${JSON.stringify([{ filePath: "/r/src/a.js", messages: [{ line: 4, message: "m", ruleId: "no-x", severity: 2 }] }])}\n`;
    expect(parseEslintJson(eslint, "/r")).toEqual([
      { file: "src/a.js", line: 4, message: "m (no-x)", severity: "error" },
    ]);
    expect(parseEslintJson("Oops! Something went wrong", "/r")).toBeUndefined();
    expect(
      parseLocated("app/x.py:7:1: F401 'os' imported but unused\nFound 1 error.\n", "/r"),
    ).toEqual([
      { file: "app/x.py", line: 7, message: "F401 'os' imported but unused", severity: "error" },
    ]);
  });

  it("names failing tests of pytest, vitest, jest, node --test, cargo and go", () => {
    const output = [
      "FAILED tests/test_calc.py::test_add - assert -1 == 5",
      " FAIL  test/price.test.ts > totals > sums prices",
      "  ● totals › sums prices",
      "not ok 2 - adds negatives",
      "✖ adds two numbers (1.2ms)",
      "test tests::it_works ... FAILED",
      "--- FAIL: TestSum (0.00s)",
    ].join("\n");
    expect(parseTestFailures(output).map((f) => f.message)).toEqual([
      "failing test: tests/test_calc.py::test_add",
      "failing test: test/price.test.ts > totals > sums prices",
      "failing test: totals › sums prices",
      "failing test: adds negatives",
      "failing test: adds two numbers",
      "failing test: tests::it_works",
      "failing test: TestSum",
    ]);
  });
});
