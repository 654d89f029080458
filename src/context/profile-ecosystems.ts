/**
 * How each ecosystem installs, formats, lints, type-checks and tests a repository, judged from
 * its root files. Commands prefer what the maintainers wrote (package.json scripts) over guesses.
 */
import type { CommandSpec, RepoProfile } from "../core/index.js";
import { firstPresent, hasSection, tableKeys, type RepoFacts } from "./profile-facts.js";

export interface EcosystemProfile {
  packageManagers: string[];
  testFramework?: string;
  commands: RepoProfile["commands"];
  configFiles: string[];
}

export interface Ecosystem {
  /** Languages whose file count decides which ecosystem's commands come first. */
  languages: string[];
  detect(facts: RepoFacts): EcosystemProfile | undefined;
}

const command = (name: string, ...argv: string[]): CommandSpec => ({ name, argv });

const ESLINT_CONFIGS = [
  "eslint.config.js",
  "eslint.config.mjs",
  "eslint.config.cjs",
  "eslint.config.ts",
  "eslint.config.mts",
  ".eslintrc",
  ".eslintrc.js",
  ".eslintrc.cjs",
  ".eslintrc.json",
  ".eslintrc.yml",
  ".eslintrc.yaml",
];
const PRETTIER_CONFIGS = [
  ".prettierrc",
  ".prettierrc.json",
  ".prettierrc.json5",
  ".prettierrc.yml",
  ".prettierrc.yaml",
  ".prettierrc.js",
  ".prettierrc.cjs",
  ".prettierrc.mjs",
  ".prettierrc.toml",
  "prettier.config.js",
  "prettier.config.cjs",
  "prettier.config.mjs",
  "prettier.config.ts",
];
const BIOME_CONFIGS = ["biome.json", "biome.jsonc"];
const TEST_FRAMEWORKS_JS = ["vitest", "jest", "mocha", "ava", "jasmine", "tap", "uvu"];
/** What `npm init` writes; running it only fails. */
const NPM_PLACEHOLDER_TEST = /no test specified/;

function jsPackageManager(facts: RepoFacts): "npm" | "pnpm" | "yarn" | "bun" {
  const declared = facts.packageJson?.packageManager?.split("@")[0];
  if (declared === "pnpm" || declared === "yarn" || declared === "npm" || declared === "bun")
    return declared;
  if (facts.root.has("pnpm-lock.yaml") || facts.root.has("pnpm-workspace.yaml")) return "pnpm";
  if (facts.root.has("yarn.lock")) return "yarn";
  if (facts.root.has("bun.lockb") || facts.root.has("bun.lock")) return "bun";
  return "npm";
}

const javascript: Ecosystem = {
  languages: ["typescript", "javascript", "vue", "svelte"],
  detect(facts) {
    const pkg = facts.packageJson;
    if (!pkg) return undefined;
    const pm = jsPackageManager(facts);
    const exec = pm === "pnpm" ? ["pnpm", "exec"] : pm === "bun" ? ["bunx"] : ["npx"];
    const runScript = (name: string) => (pm === "npm" ? ["npm", "run", name] : [pm, "run", name]);
    const script = (...names: string[]) => names.find((n) => pkg.scripts[n] !== undefined);
    const has = (dependency: string) => pkg.dependencies.has(dependency);
    const commands: RepoProfile["commands"] = {};
    const configFiles: string[] = [];

    if (pm === "npm") {
      const locked = facts.root.has("package-lock.json") || facts.root.has("npm-shrinkwrap.json");
      commands.install = command("install", "npm", locked ? "ci" : "install");
    } else if (pm === "pnpm") {
      commands.install = command("install", "pnpm", "install", "--frozen-lockfile");
    } else if (pm === "yarn") {
      // Yarn 2+ (a .yarnrc.yml) renamed --frozen-lockfile to --immutable.
      commands.install = command(
        "install",
        "yarn",
        "install",
        facts.root.has(".yarnrc.yml") ? "--immutable" : "--frozen-lockfile",
      );
    } else {
      commands.install = command("install", "bun", "install");
    }

    const testScript = pkg.scripts.test;
    let testFramework =
      TEST_FRAMEWORKS_JS.find((f) => testScript?.includes(f)) ?? TEST_FRAMEWORKS_JS.find(has);
    if (testScript !== undefined && !NPM_PLACEHOLDER_TEST.test(testScript)) {
      commands.test = command("test", pm, "test");
    } else if (testFramework === "vitest") {
      commands.test = command("test", ...exec, "vitest", "run");
    } else if (testFramework) {
      commands.test = command("test", ...exec, testFramework);
    }
    if (testFramework === undefined && testScript?.includes("node --test"))
      testFramework = "node:test";

    const eslintConfig = firstPresent(facts.root, ESLINT_CONFIGS);
    const biomeConfig = firstPresent(facts.root, BIOME_CONFIGS);
    const lintScript = script("lint");
    if (eslintConfig) configFiles.push(eslintConfig);
    if (biomeConfig) configFiles.push(biomeConfig);
    if (lintScript) commands.lint = command("lint", ...runScript(lintScript));
    else if (eslintConfig) commands.lint = command("lint", ...exec, "eslint", ".");
    else if (biomeConfig) commands.lint = command("lint", ...exec, "biome", "lint", ".");

    const prettierConfig = firstPresent(facts.root, PRETTIER_CONFIGS);
    if (prettierConfig) configFiles.push(prettierConfig);
    const formatScript = script(
      "format:check",
      "check-format",
      "format-check",
      "prettier:check",
      "fmt:check",
    );
    if (formatScript) commands.format = command("format", ...runScript(formatScript));
    else if (prettierConfig || has("prettier"))
      commands.format = command("format", ...exec, "prettier", "--check", ".");
    else if (biomeConfig) commands.format = command("format", ...exec, "biome", "format", ".");

    const tsconfig = facts.root.has("tsconfig.json") ? "tsconfig.json" : undefined;
    if (tsconfig) configFiles.push(tsconfig);
    const typecheckScript =
      script("typecheck", "type-check", "check-types", "types:check", "tsc") ??
      Object.keys(pkg.scripts).find((name) => /^(vue-)?tsc\b.*--noEmit/.test(pkg.scripts[name]!));
    if (typecheckScript) commands.typecheck = command("typecheck", ...runScript(typecheckScript));
    else if (tsconfig)
      commands.typecheck = command("typecheck", ...exec, "tsc", "--noEmit", "-p", tsconfig);

    for (const name of facts.root) {
      if (/^(vitest|jest|vite|playwright)\.config\.[cm]?[jt]s$/.test(name)) configFiles.push(name);
    }
    const profile: EcosystemProfile = { packageManagers: [pm], commands, configFiles };
    if (testFramework) profile.testFramework = testFramework;
    return profile;
  },
};

const python: Ecosystem = {
  languages: ["python"],
  detect(facts) {
    const { root, pyproject, setupCfg, toxIni } = facts;
    const requirements = firstPresent(root, [
      "requirements-dev.txt",
      "requirements_dev.txt",
      "requirements.txt",
    ]);
    const packaged = pyproject !== undefined || root.has("setup.py") || setupCfg !== undefined;
    if (!packaged && !requirements && !root.has("Pipfile")) return undefined;
    const commands: RepoProfile["commands"] = {};
    const configFiles: string[] = [];
    const tool = (name: string) => hasSection(pyproject, `tool.${name}`);

    let packageManager = "pip";
    if (root.has("uv.lock")) {
      packageManager = "uv";
      commands.install = command("install", "uv", "sync");
    } else if (root.has("poetry.lock") || tool("poetry")) {
      packageManager = "poetry";
      commands.install = command("install", "poetry", "install");
    } else if (root.has("Pipfile")) {
      packageManager = "pipenv";
      commands.install = command("install", "pipenv", "install", "--dev");
    } else if (packaged) {
      const extras = tableKeys(pyproject, "project.optional-dependencies");
      const extra = ["test", "tests", "testing", "dev"].find((e) => extras.includes(e));
      commands.install = command(
        "install",
        "python3",
        "-m",
        "pip",
        "install",
        "-e",
        extra ? `.[${extra}]` : ".",
      );
    } else if (requirements) {
      commands.install = command("install", "python3", "-m", "pip", "install", "-r", requirements);
    }

    const pytestConfig =
      root.has("pytest.ini") ||
      root.has("conftest.py") ||
      tool("pytest") ||
      hasSection(setupCfg, "tool:pytest") ||
      hasSection(toxIni, "pytest");
    const hasTestFiles = facts.paths.some((p) =>
      /(^|\/)(tests?\/|test_[^/]*\.py$|[^/]*_test\.py$)/.test(p),
    );
    let testFramework: string | undefined;
    if (pytestConfig || hasTestFiles) {
      testFramework = "pytest";
      commands.test = command("test", "python3", "-m", "pytest");
    }
    if (root.has("pytest.ini")) configFiles.push("pytest.ini");

    const ruff =
      firstPresent(root, ["ruff.toml", ".ruff.toml"]) ??
      (tool("ruff") ? "pyproject.toml" : undefined);
    const flake8 = root.has(".flake8")
      ? ".flake8"
      : hasSection(setupCfg, "flake8")
        ? "setup.cfg"
        : hasSection(toxIni, "flake8")
          ? "tox.ini"
          : undefined;
    if (ruff) {
      configFiles.push(ruff);
      commands.lint = command("lint", "ruff", "check", ".");
    } else if (flake8) {
      configFiles.push(flake8);
      commands.lint = command("lint", "flake8");
    }
    if (ruff && (tool("ruff.format") || !tool("black")))
      commands.format = command("format", "ruff", "format", "--check", ".");
    else if (tool("black")) commands.format = command("format", "black", "--check", ".");

    const mypy =
      firstPresent(root, ["mypy.ini", ".mypy.ini"]) ??
      (tool("mypy") ? "pyproject.toml" : hasSection(setupCfg, "mypy") ? "setup.cfg" : undefined);
    const pyright = root.has("pyrightconfig.json")
      ? "pyrightconfig.json"
      : tool("pyright")
        ? "pyproject.toml"
        : undefined;
    if (mypy) {
      configFiles.push(mypy);
      commands.typecheck = command("typecheck", "python3", "-m", "mypy", ".");
    } else if (pyright) {
      configFiles.push(pyright);
      commands.typecheck = command("typecheck", "pyright");
    }
    if (toxIni !== undefined) configFiles.push("tox.ini");

    const profile: EcosystemProfile = {
      packageManagers: [packageManager],
      commands,
      configFiles: [...new Set(configFiles)],
    };
    if (testFramework) profile.testFramework = testFramework;
    return profile;
  },
};

const rust: Ecosystem = {
  languages: ["rust"],
  detect(facts) {
    if (!facts.root.has("Cargo.toml")) return undefined;
    const configFiles = ["rustfmt.toml", ".rustfmt.toml", "clippy.toml", ".clippy.toml"].filter(
      (f) => facts.root.has(f),
    );
    return {
      packageManagers: ["cargo"],
      testFramework: "cargo test",
      configFiles,
      commands: {
        install: command("install", "cargo", "fetch"),
        format: command("format", "cargo", "fmt", "--all", "--", "--check"),
        lint: command("lint", "cargo", "clippy", "--all-targets"),
        typecheck: command("typecheck", "cargo", "check", "--all-targets"),
        test: command("test", "cargo", "test"),
      },
    };
  },
};

const go: Ecosystem = {
  languages: ["go"],
  detect(facts) {
    if (!facts.root.has("go.mod")) return undefined;
    const golangci = firstPresent(facts.root, [
      ".golangci.yml",
      ".golangci.yaml",
      ".golangci.toml",
      ".golangci.json",
    ]);
    return {
      packageManagers: ["go"],
      testFramework: "go test",
      configFiles: golangci ? [golangci] : [],
      commands: {
        install: command("install", "go", "mod", "download"),
        // gofmt -l exits 0 either way: the files it prints are the ones to format.
        format: command("format", "gofmt", "-l", "."),
        lint: golangci
          ? command("lint", "golangci-lint", "run")
          : command("lint", "go", "vet", "./..."),
        typecheck: command("typecheck", "go", "build", "./..."),
        test: command("test", "go", "test", "./..."),
      },
    };
  },
};

const jvm: Ecosystem = {
  languages: ["java", "kotlin", "scala", "groovy"],
  detect(facts) {
    const { root } = facts;
    if (root.has("pom.xml")) {
      const mvn = root.has("mvnw") ? "./mvnw" : "mvn";
      return {
        packageManagers: ["maven"],
        testFramework: "junit",
        configFiles: [],
        commands: {
          install: command("install", mvn, "-q", "-DskipTests", "dependency:resolve"),
          typecheck: command("typecheck", mvn, "-q", "-DskipTests", "test-compile"),
          test: command("test", mvn, "-q", "test"),
        },
      };
    }
    const gradleBuild = firstPresent(root, [
      "build.gradle",
      "build.gradle.kts",
      "settings.gradle",
      "settings.gradle.kts",
    ]);
    if (!gradleBuild) return undefined;
    const gradle = root.has("gradlew") ? "./gradlew" : "gradle";
    return {
      packageManagers: ["gradle"],
      testFramework: "junit",
      configFiles: [],
      commands: {
        typecheck: command("typecheck", gradle, "-q", "testClasses"),
        test: command("test", gradle, "-q", "test"),
      },
    };
  },
};

const ruby: Ecosystem = {
  languages: ["ruby"],
  detect(facts) {
    const { root } = facts;
    if (!root.has("Gemfile")) return undefined;
    const rspec = root.has(".rspec") || facts.paths.some((p) => p.startsWith("spec/"));
    const commands: RepoProfile["commands"] = {
      install: command("install", "bundle", "install"),
      test: rspec
        ? command("test", "bundle", "exec", "rspec")
        : command("test", "bundle", "exec", "rake", "test"),
    };
    if (root.has(".rubocop.yml")) commands.lint = command("lint", "bundle", "exec", "rubocop");
    return {
      packageManagers: ["bundler"],
      testFramework: rspec ? "rspec" : "minitest",
      configFiles: root.has(".rubocop.yml") ? [".rubocop.yml"] : [],
      commands,
    };
  },
};

export const ECOSYSTEMS: Ecosystem[] = [javascript, python, rust, go, jvm, ruby];
