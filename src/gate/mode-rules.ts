/**
 * What the gate insists on for the run's mode, on top of the checks:
 * - tests: at least one test file changes, and the repository's tests run and pass;
 * - refactor: the existing tests still pass, and no exported name of a changed file goes away
 *   unless the instructions ask for it;
 * - docs: only documentation files change (a comment-only change to code is refused too: simple
 *   to explain, and a docs run has no business in code files).
 */
import type { CheckResult, Finding, Mode } from "../core/index.js";
import type { DiffInfo } from "./diff.js";
import { exportedNames, supportsExportedNames } from "./exported-names.js";
import { showAt } from "./git.js";
import { readFile } from "node:fs/promises";
import path from "node:path";

const DOC_FILE = /\.(md|mdx|markdown|rst|adoc|asciidoc|txt)$/i;
const DOC_DIR = /^(docs?|documentation)\//i;
const DOC_NAMES =
  /(^|\/)(README|CHANGELOG|CONTRIBUTING|AUTHORS|LICENSE|NOTICE|CODE_OF_CONDUCT)(\.[^/]*)?$/i;

export function isDocumentationFile(file: string): boolean {
  return DOC_FILE.test(file) || DOC_DIR.test(file) || DOC_NAMES.test(file);
}

const TEST_FILE =
  /(^|\/)(tests?|__tests__|spec|specs)\/|\.(test|spec)\.[^/]+$|(^|\/)test_[^/]+\.py$|_test\.(py|go)$|(Test|Tests|Spec)\.(java|kt|cs|scala)$/;

export function isTestFile(file: string): boolean {
  return TEST_FILE.test(file);
}

/** Instructions that ask for an API change let a refactor drop or rename exported names. */
const API_CHANGE =
  /\b(rename|remove|delete|drop|change|break)\b[^.\n]*\b(api|signature|export|public|interface|names?)\b/i;

export interface ModeRulesInput {
  mode: Mode;
  instructions?: string;
  dir: string;
  baseSha: string;
  diff: DiffInfo;
  checks: CheckResult[];
}

function finding(message: string, file?: string): Finding {
  return {
    check: "mode",
    message,
    severity: "error",
    preExisting: false,
    ...(file ? { file } : {}),
  };
}

function testsOutcome(checks: CheckResult[]): "pass" | "fail" | "missing" {
  const tests = checks.find((c) => c.name === "tests");
  if (!tests || tests.status === "skipped") return "missing";
  return tests.status === "pass" ? "pass" : "fail";
}

async function removedExports(input: ModeRulesInput): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const change of input.diff.files) {
    const before = change.oldPath ?? change.path;
    if (change.status === "added" || !supportsExportedNames(before)) continue;
    const old = await showAt(input.dir, input.baseSha, before);
    if (old === undefined) continue;
    const now =
      change.status === "deleted"
        ? ""
        : await readFile(path.join(input.dir, change.path), "utf8").catch(() => "");
    const kept = exportedNames(change.path, now);
    const gone = [...exportedNames(before, old)].filter((name) => !kept.has(name));
    for (const name of gone) {
      findings.push(
        finding(
          `refactor mode keeps the public API, but \`${name}\` is no longer exported from ${before}; keep it (re-export it if it moved), or say in the instructions that the API may change`,
          change.path,
        ),
      );
    }
  }
  return findings;
}

export async function modeRules(input: ModeRulesInput): Promise<CheckResult | undefined> {
  const started = performance.now();
  const files = input.diff.files.map((f) => f.path);
  const findings: Finding[] = [];
  if (input.mode === "docs") {
    for (const file of files.filter((f) => !isDocumentationFile(f))) {
      findings.push(
        finding(
          `docs mode changes documentation only (*.md, *.rst, docs/**), but ${file} changed; put it back as it was`,
          file,
        ),
      );
    }
  } else if (input.mode === "tests") {
    if (!files.some(isTestFile)) {
      findings.push(
        finding(
          "tests mode adds or changes tests, but no test file changed (files under test/ or tests/, or named *.test.*, *.spec.*, test_*.py, *_test.go)",
        ),
      );
    }
    const tests = testsOutcome(input.checks);
    if (tests === "missing") {
      findings.push(
        finding(
          "tests mode needs the new tests to run, but no test command was found; set `commands.test` in .github/patchsmith.yml",
        ),
      );
    } else if (tests === "fail") {
      findings.push(
        finding("tests mode needs every test to pass, new ones included; the test run failed"),
      );
    }
  } else if (input.mode === "refactor") {
    if (testsOutcome(input.checks) === "fail") {
      findings.push(
        finding("refactor mode keeps behaviour, so the existing tests must still pass"),
      );
    }
    if (!API_CHANGE.test(input.instructions ?? "")) findings.push(...(await removedExports(input)));
  } else {
    return undefined;
  }
  const blocking = findings.length > 0;
  return {
    name: "mode",
    status: blocking ? "fail" : "pass",
    durationMs: Math.round(performance.now() - started),
    blocking,
    summary: blocking
      ? `${findings.length} problem(s) with what ${input.mode} mode allows`
      : `within what ${input.mode} mode allows`,
    findings,
  };
}
