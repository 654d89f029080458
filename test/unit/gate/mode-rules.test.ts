import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckResult } from "../../../src/core/index.js";
import { diffAgainst } from "../../../src/gate/index.js";
import { exportedNames, isDocumentationFile, isTestFile } from "../../../src/gate/index.js";
import { modeRules } from "../../../src/gate/mode-rules.js";
import { git, makeRepo } from "../../fakes/git-fixtures.js";

const BASE = {
  "src/api.ts": "export function parse(a: string) {\n  return a;\n}\nexport const VERSION = 1;\n",
  "README.md": "# x\n",
  "test/api.test.ts": "// test\n",
};

function tests(status: CheckResult["status"]): CheckResult {
  return { name: "tests", status, durationMs: 1, blocking: false, summary: "", findings: [] };
}

async function rules(
  mode: "docs" | "tests" | "refactor" | "implement",
  edits: Record<string, string>,
  checks: CheckResult[] = [tests("pass")],
  instructions?: string,
) {
  const dir = await makeRepo(BASE);
  const baseSha = git(dir, "rev-parse", "HEAD");
  for (const [file, content] of Object.entries(edits))
    await writeFile(path.join(dir, file), content);
  const diff = await diffAgainst(dir, baseSha);
  return modeRules({ mode, dir, baseSha, diff, checks, ...(instructions ? { instructions } : {}) });
}

describe("mode rules", () => {
  it("docs: documentation only", async () => {
    expect(await rules("docs", { "README.md": "# better\n" })).toMatchObject({ blocking: false });
    const blocked = await rules("docs", {
      "README.md": "# y\n",
      "src/api.ts": "// only a comment\n",
    });
    expect(blocked).toMatchObject({ blocking: true, status: "fail" });
    expect(blocked!.findings.map((f) => f.file)).toEqual(["src/api.ts"]);
  });

  it("tests: a test file must change and the tests must run and pass", async () => {
    expect(await rules("tests", { "test/api.test.ts": "// more\n" })).toMatchObject({
      blocking: false,
    });
    const noTest = await rules("tests", { "src/api.ts": "export const x = 1;\n" });
    expect(noTest!.findings[0]!.message).toContain("no test file changed");
    const failing = await rules("tests", { "test/api.test.ts": "// more\n" }, [tests("fail")]);
    expect(failing!.findings[0]!.message).toContain("test run failed");
    const none = await rules("tests", { "test/api.test.ts": "// more\n" }, []);
    expect(none!.findings[0]!.message).toContain("no test command");
  });

  it("refactor: exported names stay, the tests pass, unless the instructions allow an API change", async () => {
    const kept =
      "function inner(a: string) {\n  return a;\n}\nexport { inner as parse };\nexport const VERSION = 1;\n";
    expect(await rules("refactor", { "src/api.ts": kept })).toMatchObject({ blocking: false });
    const renamed =
      "export function read(a: string) {\n  return a;\n}\nexport const VERSION = 1;\n";
    const blocked = await rules("refactor", { "src/api.ts": renamed });
    expect(blocked!.findings.map((f) => f.message)).toEqual([expect.stringContaining("`parse`")]);
    expect(
      await rules(
        "refactor",
        { "src/api.ts": renamed },
        [tests("pass")],
        "rename parse to read across the API",
      ),
    ).toMatchObject({ blocking: false });
    const failing = await rules("refactor", { "src/api.ts": kept }, [tests("fail")]);
    expect(failing!.findings[0]!.message).toContain("existing tests must still pass");
  });

  it("implement adds nothing", async () => {
    expect(await rules("implement", { "src/api.ts": "" })).toBeUndefined();
  });

  it("classifies files and reads exported names", () => {
    expect(["docs/a.ts", "README", "x/guide.rst", "CHANGELOG.md"].every(isDocumentationFile)).toBe(
      true,
    );
    expect(isDocumentationFile("src/a.ts")).toBe(false);
    expect(
      ["test/a.js", "src/a.test.ts", "pkg/x_test.go", "tests/test_x.py", "FooTest.java"].every(
        isTestFile,
      ),
    ).toBe(true);
    expect(isTestFile("src/testing.ts")).toBe(false);
    expect([
      ...exportedNames("a.py", "def run():\n  pass\ndef _private():\n  pass\nclass Job:\n  pass\n"),
    ]).toEqual(["run", "Job"]);
    expect([
      ...exportedNames("a.go", "func Run() {}\nfunc helper() {}\ntype Job struct{}\n"),
    ]).toEqual(["Run", "Job"]);
    expect(
      [
        ...exportedNames(
          "a.ts",
          "export default function main() {}\nexport type { A, B as C } from './x';\n",
        ),
      ].sort(),
    ).toEqual(["A", "C", "default", "main"]);
  });
});
