import { afterEach, describe, expect, it } from "vitest";
import { detectProfile } from "../../../src/context/index.js";
import { makeRepo, type FixtureRepo } from "./git-fixture.js";

const repos: FixtureRepo[] = [];
function repo(files: Record<string, string>): FixtureRepo {
  const made = makeRepo(files);
  repos.push(made);
  return made;
}
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

const argv = (spec: { argv: string[] } | undefined) => spec?.argv;

describe("detectProfile", () => {
  it("a TypeScript project on npm: scripts first, then configs", async () => {
    const { dir } = repo({
      "package.json": JSON.stringify({
        scripts: { test: "vitest run", lint: "eslint .", typecheck: "tsc --noEmit" },
        devDependencies: { vitest: "^4", typescript: "^5", eslint: "^10", prettier: "^3" },
      }),
      "package-lock.json": "{}",
      "eslint.config.js": "export default [];",
      ".prettierrc": "{}",
      "tsconfig.json": "{}",
      "src/index.ts": "export const a = 1;",
      "src/util.ts": "export const b = 1;",
      "src/more.ts": "export const c = 1;",
      "scripts/build.js": "console.log(1);",
      "AGENTS.md": "Run npm test before committing.",
      "CONTRIBUTING.md": "Be kind.",
      ".github/copilot-instructions.md": "Prefer small functions.",
      "packages/core/AGENTS.md": "Core rules.",
      "test/fixtures/sample/package.json": "{}",
    });
    const profile = await detectProfile(dir);
    expect(profile.languages).toEqual([
      { name: "typescript", files: 3 },
      { name: "javascript", files: 2 },
    ]);
    expect(profile.packageManagers).toEqual(["npm"]);
    expect(profile.manifests).toEqual(["package.json"]);
    expect(profile.testFramework).toBe("vitest");
    expect(argv(profile.commands.install)).toEqual(["npm", "ci"]);
    expect(argv(profile.commands.test)).toEqual(["npm", "test"]);
    expect(argv(profile.commands.lint)).toEqual(["npm", "run", "lint"]);
    expect(argv(profile.commands.typecheck)).toEqual(["npm", "run", "typecheck"]);
    expect(argv(profile.commands.format)).toEqual(["npx", "prettier", "--check", "."]);
    expect(profile.configFiles).toEqual(["eslint.config.js", ".prettierrc", "tsconfig.json"]);
    expect(profile.instructionFiles).toEqual([
      "AGENTS.md",
      ".github/copilot-instructions.md",
      "CONTRIBUTING.md",
      "packages/core/AGENTS.md",
    ]);
  });

  it("a JavaScript project without scripts: the tools it depends on, run through its package manager", async () => {
    const { dir } = repo({
      "package.json": JSON.stringify({
        scripts: { test: 'echo "Error: no test specified" && exit 1' },
        devDependencies: { jest: "^29" },
        packageManager: "pnpm@9.0.0",
      }),
      "pnpm-lock.yaml": "lockfileVersion: 9\n",
      ".eslintrc.json": "{}",
      "tsconfig.json": "{}",
      "index.js": "module.exports = 1;",
    });
    const profile = await detectProfile(dir);
    expect(profile.packageManagers).toEqual(["pnpm"]);
    expect(profile.testFramework).toBe("jest");
    expect(argv(profile.commands.install)).toEqual(["pnpm", "install", "--frozen-lockfile"]);
    expect(argv(profile.commands.test)).toEqual(["pnpm", "exec", "jest"]);
    expect(argv(profile.commands.lint)).toEqual(["pnpm", "exec", "eslint", "."]);
    expect(argv(profile.commands.typecheck)).toEqual([
      "pnpm",
      "exec",
      "tsc",
      "--noEmit",
      "-p",
      "tsconfig.json",
    ]);
    expect(profile.commands.format).toBeUndefined();
  });

  it("a Python project with pytest, ruff and mypy configured in pyproject.toml", async () => {
    const { dir } = repo({
      "pyproject.toml": [
        "[project]",
        'name = "pkg"',
        "[project.optional-dependencies]",
        'test = ["pytest"]',
        'docs = ["sphinx"]',
        "[tool.pytest.ini_options]",
        'testpaths = ["tests"]',
        "[tool.ruff]",
        "line-length = 100",
        "[tool.mypy]",
        "strict = true",
      ].join("\n"),
      "src/pkg/__init__.py": "",
      "src/pkg/core.py": "def f():\n    pass\n",
      "tests/test_core.py": "def test_f():\n    pass\n",
    });
    const profile = await detectProfile(dir);
    expect(profile.languages).toEqual([{ name: "python", files: 3 }]);
    expect(profile.packageManagers).toEqual(["pip"]);
    expect(profile.manifests).toEqual(["pyproject.toml"]);
    expect(profile.testFramework).toBe("pytest");
    expect(argv(profile.commands.install)).toEqual([
      "python3",
      "-m",
      "pip",
      "install",
      "-e",
      ".[test]",
    ]);
    expect(argv(profile.commands.test)).toEqual(["python3", "-m", "pytest"]);
    expect(argv(profile.commands.lint)).toEqual(["ruff", "check", "."]);
    expect(argv(profile.commands.format)).toEqual(["ruff", "format", "--check", "."]);
    expect(argv(profile.commands.typecheck)).toEqual(["python3", "-m", "mypy", "."]);
    expect(profile.configFiles).toEqual(["pyproject.toml"]);
  });

  it("a setup.py project with flake8 in setup.cfg and only a tests directory", async () => {
    const { dir } = repo({
      "setup.py": "from setuptools import setup\nsetup()\n",
      "setup.cfg": "[metadata]\nname = legacy\n[flake8]\nmax-line-length = 100\n",
      "legacy/__init__.py": "",
      "tests/test_legacy.py": "",
    });
    const profile = await detectProfile(dir);
    expect(argv(profile.commands.install)).toEqual(["python3", "-m", "pip", "install", "-e", "."]);
    expect(argv(profile.commands.test)).toEqual(["python3", "-m", "pytest"]);
    expect(argv(profile.commands.lint)).toEqual(["flake8"]);
    expect(profile.commands.typecheck).toBeUndefined();
  });

  it("a Rust crate", async () => {
    const { dir } = repo({
      "Cargo.toml": '[package]\nname = "crate"\nversion = "0.1.0"\n',
      "Cargo.lock": "# lock\n",
      "src/lib.rs": "pub fn f() {}\n",
      "rustfmt.toml": 'edition = "2021"\n',
    });
    const profile = await detectProfile(dir);
    expect(profile.languages).toEqual([{ name: "rust", files: 1 }]);
    expect(profile.packageManagers).toEqual(["cargo"]);
    expect(profile.manifests).toEqual(["Cargo.toml"]);
    expect(profile.testFramework).toBe("cargo test");
    expect(argv(profile.commands.test)).toEqual(["cargo", "test"]);
    expect(argv(profile.commands.format)).toEqual(["cargo", "fmt", "--all", "--", "--check"]);
    expect(argv(profile.commands.typecheck)).toEqual(["cargo", "check", "--all-targets"]);
    expect(profile.configFiles).toEqual(["rustfmt.toml"]);
  });

  it("Go and Maven projects", async () => {
    const goRepo = repo({ "go.mod": "module example.com/x\n", "main.go": "package main\n" });
    const go = await detectProfile(goRepo.dir);
    expect(argv(go.commands.test)).toEqual(["go", "test", "./..."]);
    expect(argv(go.commands.lint)).toEqual(["go", "vet", "./..."]);

    const javaRepo = repo({ "pom.xml": "<project/>", "src/main/java/A.java": "class A {}\n" });
    const java = await detectProfile(javaRepo.dir);
    expect(java.packageManagers).toEqual(["maven"]);
    expect(argv(java.commands.test)).toEqual(["mvn", "-q", "test"]);
  });

  it("a mixed repository: the language with more files sets the commands, the other fills gaps", async () => {
    const { dir } = repo({
      "pyproject.toml": '[project]\nname = "x"\n[tool.pytest.ini_options]\n',
      "a.py": "",
      "b.py": "",
      "c.py": "",
      "package.json": JSON.stringify({
        scripts: { test: "jest" },
        devDependencies: { prettier: "^3" },
      }),
      "web/app.js": "",
    });
    const profile = await detectProfile(dir);
    expect(profile.packageManagers).toEqual(["pip", "npm"]);
    expect(argv(profile.commands.test)).toEqual(["python3", "-m", "pytest"]);
    expect(argv(profile.commands.format)).toEqual(["npx", "prettier", "--check", "."]);
  });
});
