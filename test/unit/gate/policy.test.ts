import { afterEach, describe, expect, it } from "vitest";
import { PatchsmithError } from "../../../src/core/index.js";
import { diffAgainst, runGate } from "../../../src/gate/index.js";
import { newDependencies } from "../../../src/gate/policy/dependencies.js";
import { diffSizeFindings } from "../../../src/gate/policy/diff-size.js";
import { protectedPathFindings } from "../../../src/gate/policy/protected-paths.js";
import { tamperingFindings } from "../../../src/gate/policy/tampering.js";
import { gateInput, gateSettings, makeRepo, type TestRepo } from "../../fixtures/gate/make-repo.js";

let repo: TestRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

describe("new dependencies", () => {
  it("finds what each ecosystem's manifest adds, and ignores what was there", async () => {
    repo = await makeRepo(
      {
        "package.json": JSON.stringify(
          { dependencies: { left: "1" }, devDependencies: { vitest: "4" } },
          null,
          2,
        ),
        "requirements.txt": "requests==2.0\n# comment\n",
        "Cargo.toml": '[package]\nname = "x"\n\n[dependencies]\nserde = "1"\n',
        "go.mod": "module example.com/x\n\ngo 1.22\n\nrequire (\n\tgithub.com/a/b v1.0.0\n)\n",
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["httpx>=0.27"]\n',
      },
      { nodeModules: false },
    );
    await repo.write({
      "package.json": JSON.stringify(
        { dependencies: { left: "1", "left-pad": "1" }, devDependencies: { vitest: "4" } },
        null,
        2,
      ),
      "requirements.txt": "requests==2.1\nflask>=3\n",
      "Cargo.toml":
        '[package]\nname = "x"\n\n[dependencies]\nserde = "1"\ntokio = { version = "1" }\n\n[dev-dependencies.proptest]\nversion = "1"\n',
      "go.mod":
        "module example.com/x\n\ngo 1.22\n\nrequire (\n\tgithub.com/a/b v1.0.0\n\tgithub.com/c/d v0.1.0\n)\n",
      "pyproject.toml":
        '[project]\nname = "x"\ndependencies = ["httpx>=0.28", "rich"]\n\n[project.optional-dependencies]\ndev = ["pytest>=8"]\n',
    });
    const found = await newDependencies(
      repo.dir,
      repo.baseSha,
      await diffAgainst(repo.dir, repo.baseSha),
    );
    expect(found.map((d) => `${d.ecosystem}:${d.name}`).sort()).toEqual(
      [
        "cargo:proptest",
        "cargo:tokio",
        "go:github.com/c/d",
        "npm:left-pad",
        "pypi:flask",
        "pypi:pytest",
        "pypi:rich",
      ].sort(),
    );
    expect(found.find((d) => d.name === "left-pad")).toMatchObject({
      file: "package.json",
      line: 4,
    });
  });
});

describe("tampering", () => {
  it("flags skips and focus in every ecosystem the gate knows, but not ones that were already there", async () => {
    repo = await makeRepo(
      {
        "tests/test_a.py": "import pytest\n\n@pytest.mark.skip\ndef test_old():\n    assert True\n",
        "src/lib.rs": "#[cfg(test)]\nmod tests {\n    #[test]\n    fn a() { assert!(true); }\n}\n",
        "src/test/java/ATest.java": "class ATest {\n  @Test void a() { assertEquals(1, 1); }\n}\n",
        "a_test.go": 'package a\nfunc TestA(t *testing.T) {\n  if false { t.Fatal("x") }\n}\n',
        "spec/a.spec.js":
          "describe('a', () => {\n  it('works', () => { expect(1).toBe(1); });\n});\n",
      },
      { nodeModules: false },
    );
    await repo.write({
      "tests/test_a.py":
        "import pytest\n\n@pytest.mark.skip\ndef test_old():\n    assert True\n\n@unittest.skip('later')\ndef test_new():\n    assert True\n",
      "src/lib.rs":
        "#[cfg(test)]\nmod tests {\n    #[test]\n    #[ignore]\n    fn a() { assert!(true); }\n}\n",
      "src/test/java/ATest.java":
        "class ATest {\n  @Disabled @Test void a() { assertEquals(1, 1); }\n}\n",
      "a_test.go":
        'package a\nfunc TestA(t *testing.T) {\n  t.Skip()\n  if false { t.Fatal("x") }\n}\n',
      "spec/a.spec.js":
        "describe('a', () => {\n  xit('works', () => { expect(1).toBe(1); });\n});\n",
      "src/notatest.js": "it.only('not in a test file', () => {});\n",
    });
    const findings = await tamperingFindings(
      repo.dir,
      repo.baseSha,
      await diffAgainst(repo.dir, repo.baseSha),
    );
    expect(findings.map((f) => `${f.file}:${f.line}`).sort()).toEqual(
      [
        "a_test.go:3",
        "spec/a.spec.js:2",
        "src/lib.rs:4",
        "src/test/java/ATest.java:2",
        "tests/test_a.py:7",
      ].sort(),
    );
  });
});

describe("protected paths and size", () => {
  it("always protects workflows and patchsmith's config, plus configured globs", async () => {
    repo = await makeRepo({ "a.txt": "a\n" }, { nodeModules: false });
    await repo.write({
      ".github/workflows/ci.yml": "x\n",
      ".github/patchsmith.yml": "x\n",
      "infra/main.tf": "x\n",
      "src/ok.js": "x\n",
    });
    const findings = protectedPathFindings(await diffAgainst(repo.dir, repo.baseSha), ["infra/**"]);
    expect(findings.map((f) => f.file).sort()).toEqual([
      ".github/patchsmith.yml",
      ".github/workflows/ci.yml",
      "infra/main.tf",
    ]);
  });

  it("limits changed files and lines, not counting lockfiles", async () => {
    repo = await makeRepo({ "a.txt": "a\n" }, { nodeModules: false });
    await repo.write({
      "b.txt": "1\n2\n3\n",
      "c.txt": "1\n",
      "package-lock.json": "x\n".repeat(500),
    });
    const diff = await diffAgainst(repo.dir, repo.baseSha);
    expect(diffSizeFindings(diff, { maxChangedFiles: 3, maxChangedLines: 4 })).toEqual([]);
    expect(
      diffSizeFindings(diff, { maxChangedFiles: 2, maxChangedLines: 3 }).map((f) => f.message),
    ).toEqual([
      expect.stringMatching(/touches 3 files, more than the limit of 2/),
      expect.stringMatching(/adds or removes 4 lines, more than the limit of 3/),
    ]);
  });
});

describe("allowed new dependencies", () => {
  it("pass, with a note when npm audit cannot reach the registry", async () => {
    repo = await makeRepo(
      { "package.json": JSON.stringify({ dependencies: {} }), "package-lock.json": "{}\n" },
      { nodeModules: false },
    );
    await repo.write({ "package.json": JSON.stringify({ dependencies: { "left-pad": "1.3.0" } }) });
    const allowed = gateSettings({
      policy: { allowNewDependencies: true },
      gate: { installNetwork: false },
    });
    const report = await runGate({ ...gateInput(repo), settings: allowed });
    const policy = report.checks.find((c) => c.name === "policy")!;
    expect(policy).toMatchObject({ status: "pass", blocking: false });
    expect(policy.findings).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: expect.stringMatching(/npm audit not run for left-pad: the network is off/),
      }),
    ]);

    const forbidden = await runGate({ ...gateInput(repo), settings: gateSettings() });
    expect(forbidden.checks.find((c) => c.name === "policy")).toMatchObject({
      status: "fail",
      blocking: true,
    });
  });
});

describe("a base that does not exist", () => {
  it("stops the gate with a message that says what to pass", async () => {
    repo = await makeRepo({ "a.txt": "a\n" }, { nodeModules: false });
    const error = await runGate({
      ...gateInput(repo),
      baseSha: "0123456789abcdef0123456789abcdef01234567",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PatchsmithError);
    expect((error as PatchsmithError).userMessage).toMatch(/--base/);
  });
});
