/**
 * Which files are tests, and which tests belong to a source file. Name conventions only: they hold
 * across pytest, unittest, jest/vitest, mocha, go test, cargo, JUnit and RSpec well enough to pair
 * a source file with the tests a change to it should run.
 */
import path from "node:path";

const TEST_DIRS = new Set([
  "test",
  "tests",
  "__tests__",
  "spec",
  "specs",
  "e2e",
  "__mocks__",
  "testing",
]);
const TEST_NAME = [
  /^test_.+\.py$/,
  /^.+_test\.py$/,
  /^conftest\.py$/,
  /^.+[._-](test|spec)s?\.[cm]?[jt]sx?$/,
  /^.+_test\.go$/,
  /^.+(Test|Tests|IT)\.(java|kt|scala|cs)$/,
  /^.+_spec\.rb$/,
  /^.+_test\.(rb|rs|exs?|dart)$/,
];

/** The parts of a path that say "test" by convention (directory names or file name). */
export function isTestFile(filePath: string): boolean {
  const parts = filePath.split("/");
  const name = parts.at(-1) ?? "";
  if (TEST_NAME.some((pattern) => pattern.test(name))) return true;
  // A directory named `testing` holds tests or test helpers (pytest's tests, sphinx.testing); a
  // module file named testing.py (xarray.testing) is library code and is not caught here.
  return parts.slice(0, -1).some((dir) => TEST_DIRS.has(dir));
}

/** `foo` for `test_foo.py`, `foo_test.go`, `foo.spec.ts`, `FooTest.java`; undefined if no subject. */
export function testSubject(filePath: string): string | undefined {
  const name = path.posix.basename(filePath);
  const match =
    /^test_(.+)\.py$/.exec(name) ??
    /^(.+)_test\.\w+$/.exec(name) ??
    /^(.+)[._-](?:test|spec)s?\.[cm]?[jt]sx?$/.exec(name) ??
    /^(.+?)(?:Test|Tests|IT)\.\w+$/.exec(name) ??
    /^(.+)_spec\.rb$/.exec(name);
  return match?.[1]?.toLowerCase();
}

function sourceSubject(filePath: string): string {
  const name = path.posix.basename(filePath).replace(/\.[^.]+$/, "");
  if (name === "__init__" || name === "index" || name === "mod" || name === "lib") {
    return path.posix.basename(path.posix.dirname(filePath)).toLowerCase();
  }
  return name.toLowerCase();
}

/** Shared leading directories, so a test next to (or mirroring) its source wins over a namesake. */
function sharedDirs(a: string, b: string): number {
  const left = a.split("/").slice(0, -1);
  const right = b
    .split("/")
    .slice(0, -1)
    .filter((dir) => !TEST_DIRS.has(dir));
  let shared = 0;
  for (const dir of left) if (right.includes(dir)) shared++;
  return shared;
}

export class TestIndex {
  private readonly bySubject = new Map<string, string[]>();

  constructor(paths: readonly string[]) {
    for (const file of paths) {
      if (!isTestFile(file)) continue;
      const subject = testSubject(file);
      if (!subject) continue;
      const list = this.bySubject.get(subject) ?? [];
      list.push(file);
      this.bySubject.set(subject, list);
    }
  }

  /** Tests for a source file, closest first. */
  testsFor(source: string): string[] {
    if (isTestFile(source)) return [];
    const subject = sourceSubject(source);
    const candidates =
      this.bySubject.get(subject) ?? this.bySubject.get(subject.replace(/^_+/, "")) ?? [];
    return [...candidates].sort(
      (a, b) => sharedDirs(source, b) - sharedDirs(source, a) || a.localeCompare(b),
    );
  }
}
