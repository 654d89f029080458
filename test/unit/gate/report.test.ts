import { describe, expect, it } from "vitest";
import type { CheckResult, Finding, GateReport } from "../../../src/core/index.js";
import { checkRunFor, renderGateReport, repairInstructions } from "../../../src/gate/index.js";

const finding = (f: Partial<Finding> & Pick<Finding, "check" | "message">): Finding => ({
  preExisting: false,
  severity: "error",
  ...f,
});

function report(checks: CheckResult[]): GateReport {
  const blocked = checks.some((c) => c.blocking);
  return {
    passed: !blocked,
    checks,
    findings: checks.flatMap((c) => c.findings),
    score: blocked ? 40 : 97,
    durationMs: 1234,
  };
}

const failing = report([
  {
    name: "format",
    status: "pass",
    durationMs: 100,
    blocking: false,
    summary: "formatted 1 file(s): src/a.js",
    findings: [],
  },
  {
    name: "lint",
    status: "fail",
    durationMs: 900,
    blocking: true,
    summary: "2 lint error(s)",
    findings: [
      finding({
        check: "lint",
        file: "src/a.js",
        line: 3,
        message: "Unexpected 'debugger' statement. (no-debugger)",
      }),
      finding({
        check: "lint",
        file: "src/old.js",
        line: 9,
        message: "'x' is never used (no-unused-vars)",
        preExisting: true,
      }),
      finding({
        check: "lint",
        file: "src/a.js",
        line: 40,
        message: "unused | piped",
        severity: "warning",
      }),
    ],
  },
  {
    name: "tests",
    status: "fail",
    durationMs: 4100,
    blocking: true,
    summary: "`npm test` failed: 1 failure(s)",
    output: "not ok 1 - adds\n  expected: 5\n  actual: -1\n",
    findings: [finding({ check: "tests", message: "failing test: adds" })],
  },
  {
    name: "policy",
    status: "fail",
    durationMs: 5,
    blocking: true,
    summary: "1 policy violation(s)",
    findings: [
      finding({
        check: "policy",
        file: ".github/workflows/ci.yml",
        message: "protected path; revert this change",
      }),
    ],
  },
]);

describe("renderGateReport", () => {
  it("tabulates every check and lists what blocks, what was already there and the warnings", async () => {
    const markdown = await renderGateReport(failing);
    expect(markdown).toMatch(/^### Quality gate: failed \(score 40\/100\)/);
    expect(markdown).toContain("| lint | ❌ fail (blocking) | 0.9 s | 2 lint error(s) |");
    expect(markdown).toContain("| format | ✅ pass | 0.1 s | formatted 1 file(s): src/a.js |");
    // Table rows are consecutive, or GitHub stops rendering the table.
    expect(markdown).not.toMatch(/\|\n\n\|/);
    expect(markdown).toContain(
      "- `src/a.js:3`: lint: Unexpected 'debugger' statement. (no-debugger)",
    );
    expect(markdown).toMatch(
      /Already failing at the base commit \(1, not blocking\)[\s\S]*src\/old\.js:9/,
    );
    expect(markdown).toMatch(/Warnings \(1\)[\s\S]*unused \| piped/);
    expect(markdown).toMatch(/Output of tests[\s\S]*actual: -1/);
  });

  it("says passed when nothing blocks", async () => {
    const markdown = await renderGateReport(
      report([
        {
          name: "tests",
          status: "pass",
          durationMs: 10,
          blocking: false,
          summary: "ok",
          findings: [],
        },
      ]),
    );
    expect(markdown).toMatch(/Quality gate: passed \(score 97\/100\)/);
    expect(markdown).not.toMatch(/What blocks/);
  });
});

describe("repairInstructions", () => {
  it("lists blocking findings, most relevant first, with test output, and leaves out what was already there", () => {
    const text = repairInstructions(failing);
    const order = ["[policy]", "[tests]", "[lint]"].map((tag) => text.indexOf(tag));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain("actual: -1");
    expect(text).not.toContain("src/old.js");
    expect(text).not.toContain("unused | piped");
    expect(text).toMatch(/1 finding\(s\) already present at the base commit/);
    expect(text).toMatch(/Do not skip, focus, delete or weaken tests/);
  });

  it("fits within maxChars", () => {
    const many = report([
      {
        name: "lint",
        status: "fail",
        durationMs: 1,
        blocking: true,
        summary: "many",
        findings: Array.from({ length: 200 }, (_, i) =>
          finding({
            check: "lint",
            file: `src/f${i}.js`,
            line: i + 1,
            message: `problem number ${i}`,
          }),
        ),
      },
    ]);
    const text = repairInstructions(many, { maxChars: 1500 });
    expect(text.length).toBeLessThanOrEqual(1500);
    expect(text).toContain("problem number 0");
    expect(text).toContain("more findings omitted");
  });
});

describe("checkRunFor", () => {
  it("annotates new findings on changed lines only, and fails when the gate blocks", () => {
    const run = checkRunFor(failing, "abc123", { "src/a.js": [3] });
    expect(run).toMatchObject({
      headSha: "abc123",
      conclusion: "failure",
      title: expect.stringMatching(/blocked: lint, tests, policy/),
    });
    expect(run.annotations).toEqual([
      {
        path: "src/a.js",
        startLine: 3,
        endLine: 3,
        level: "failure",
        message: "Unexpected 'debugger' statement. (no-debugger)",
        title: "patchsmith lint",
      },
    ]);
    const all = checkRunFor(failing, "abc123");
    expect(all.annotations.map((a) => `${a.path}:${a.startLine}:${a.level}`)).toEqual([
      "src/a.js:3:failure",
      "src/a.js:40:warning",
    ]);
    expect(checkRunFor(report([]), "abc").conclusion).toBe("success");
  });

  it("caps annotations at GitHub's 50 per request", () => {
    const many = report([
      {
        name: "lint",
        status: "fail",
        durationMs: 1,
        blocking: true,
        summary: "many",
        findings: Array.from({ length: 80 }, (_, i) =>
          finding({ check: "lint", file: "a.js", line: i + 1, message: `m${i}` }),
        ),
      },
    ]);
    expect(
      checkRunFor(
        many,
        "x",
        new Map([["a.js", new Set(Array.from({ length: 80 }, (_, i) => i + 1))]]),
      ).annotations,
    ).toHaveLength(50);
  });
});
