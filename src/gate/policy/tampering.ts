/**
 * Test tampering: the ways a change can make tests pass without making the code right. Deleted
 * test files, newly skipped or focused tests, fewer assertions in a changed test file, and
 * edited snapshots all block.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { DiffInfo } from "../diff.js";
import { showAt } from "../git.js";
import type { CheckFinding } from "../types.js";

const testPath =
  /(?:^|\/)(?:tests?|__tests__|spec|specs)\/|(?:^|\/)[^/]*[._-](?:test|spec)\.[^/]+$|(?:^|\/)test_[^/]+\.py$|_test\.(?:py|go)$|(?:^|\/)src\/test\/|Tests?\.(?:java|kt|cs)$/;
const snapshotPath = /(?:^|\/)__snapshots__\/|\.snap$|\.ambr$|(?:^|\/)snapshots\/[^/]+\.snap\.new$/;

export const isTestFile = (file: string): boolean =>
  testPath.test(file) && !snapshotPath.test(file);

/** Rust keeps unit tests inside source files, so a .rs file with a test module counts too. */
const holdsTests = (file: string, content: string): boolean =>
  isTestFile(file) || (file.endsWith(".rs") && /#\[(?:cfg\()?test\)?\]/.test(content));

/** Markers that skip or focus a test, by what they do (the message the model reads). */
const markers: { pattern: RegExp; what: string }[] = [
  {
    pattern: /\b(?:describe|it|test|suite|context|bench)(?:\.\w+)*\.only\s*\(/g,
    what: "focuses a test (.only), which silently skips all others",
  },
  {
    pattern: /\b(?:fit|fdescribe|ftest)\s*\(/g,
    what: "focuses a test (fit/fdescribe), which silently skips all others",
  },
  {
    pattern: /\b(?:describe|it|test|suite|context)(?:\.\w+)*\.(?:skip|todo|skipIf|fixme)\s*\(/g,
    what: "skips a test",
  },
  { pattern: /\b(?:xit|xdescribe|xtest|xcontext)\s*\(/g, what: "skips a test" },
  {
    pattern:
      /@pytest\.mark\.(?:skip|skipif|xfail)\b|\bpytest\.skip\s*\(|@unittest\.(?:skip|skipIf|skipUnless|expectedFailure)\b|\.skipTest\s*\(/g,
    what: "skips a test",
  },
  { pattern: /#\[ignore\b/g, what: "ignores a test (#[ignore])" },
  { pattern: /@(?:Disabled|Ignore)\b/g, what: "disables a test" },
  { pattern: /\bt\.Skip(?:f|Now)?\s*\(/g, what: "skips a test" },
];

const assertion =
  /\bexpect\s*\(|\bassert(?:_eq|_ne|_matches)?!|\bassert\w*\s*[(.]|^\s*assert\b|\.should\b|\bt\.(?:Error|Errorf|Fatal|Fatalf|Fail|FailNow)\s*\(|\brequire\.\w+\s*\(|\bself\.assert\w*\s*\(|\bassertThat\s*\(|\bverify\s*\(/gm;

const count = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].length;

export async function tamperingFindings(
  dir: string,
  baseSha: string,
  diff: DiffInfo,
): Promise<CheckFinding[]> {
  const findings: CheckFinding[] = [];
  for (const change of diff.files) {
    const oldPath = change.oldPath ?? change.path;
    if (snapshotPath.test(oldPath) && change.status !== "added") {
      findings.push({
        file: oldPath,
        message: `edits the snapshot ${oldPath}; snapshots record expected output, so change the code, not the snapshot`,
        severity: "error",
      });
      continue;
    }
    if (change.status === "deleted" && isTestFile(change.path)) {
      findings.push({
        file: change.path,
        message: `deletes the test file ${change.path}; restore it`,
        severity: "error",
      });
      continue;
    }
    if (change.status === "renamed" && isTestFile(oldPath) && !isTestFile(change.path)) {
      findings.push({
        file: change.path,
        message: `moves the test file ${oldPath} out of the test suite; restore it`,
        severity: "error",
      });
      continue;
    }
    if (change.status === "deleted" || !(isTestFile(change.path) || change.path.endsWith(".rs")))
      continue;
    const head = await readFile(path.join(dir, change.path), "utf8").catch(() => "");
    if (!holdsTests(change.path, head)) continue;
    const base = change.status === "added" ? "" : ((await showAt(dir, baseSha, oldPath)) ?? "");
    for (const marker of markers) {
      const extra = count(head, marker.pattern) - count(base, marker.pattern);
      if (extra <= 0) continue;
      const lines = change.added.filter((a) => count(a.text, marker.pattern) > 0).slice(0, extra);
      for (const added of lines.length > 0 ? lines : [undefined]) {
        findings.push({
          file: change.path,
          ...(added ? { line: added.line } : {}),
          message: `newly ${marker.what}; make the test pass instead`,
          severity: "error",
        });
      }
    }
    if (change.status !== "added") {
      const before = count(base, assertion);
      const after = count(head, assertion);
      if (after < before) {
        findings.push({
          file: change.path,
          message: `removes assertions (${before} before, ${after} after); keep every existing assertion and fix the code instead`,
          severity: "error",
        });
      }
    }
  }
  return findings;
}
