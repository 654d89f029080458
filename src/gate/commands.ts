/** Which command runs for a kind of check: the repository config, then the profile, then detection. */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { CommandSpec, RepoProfile } from "../core/index.js";
import { readJson } from "./tools.js";
import type { GateSettings } from "./types.js";

export type CommandKind = keyof GateSettings["commands"];

export function configuredCommand(
  kind: CommandKind,
  settings: GateSettings,
  profile: RepoProfile,
): CommandSpec | undefined {
  const setting = settings.commands[kind];
  if (setting !== undefined) {
    const argv = Array.isArray(setting) ? setting : ["sh", "-c", setting];
    return { name: Array.isArray(setting) ? setting.join(" ") : setting, argv };
  }
  return profile.commands[kind];
}

function hasPythonTests(dir: string): boolean {
  if (["pytest.ini", "conftest.py", "tox.ini"].some((f) => existsSync(path.join(dir, f))))
    return true;
  for (const sub of [".", "tests", "test"]) {
    try {
      if (readdirSync(path.join(dir, sub)).some((f) => /^test_.*\.py$|_test\.py$/.test(f)))
        return true;
    } catch {
      // no such directory
    }
  }
  return false;
}

/** The test command when neither the config nor the profile names one. */
export function detectTestCommand(
  dir: string,
  hasProgram: (name: string) => boolean,
): CommandSpec | undefined {
  const manifest = readJson(path.join(dir, "package.json"));
  const scripts = manifest?.scripts as Record<string, unknown> | undefined;
  const test = scripts?.test;
  if (typeof test === "string" && !/no test specified/.test(test))
    return { name: "npm test", argv: ["npm", "test"] };
  if (hasPythonTests(dir))
    return { name: "pytest", argv: ["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider"] };
  if (existsSync(path.join(dir, "Cargo.toml")) && hasProgram("cargo"))
    return { name: "cargo test", argv: ["cargo", "test"] };
  if (existsSync(path.join(dir, "go.mod")) && hasProgram("go"))
    return { name: "go test", argv: ["go", "test", "./..."] };
  if (existsSync(path.join(dir, "pom.xml")) && hasProgram("mvn"))
    return { name: "mvn test", argv: ["mvn", "-q", "test"] };
  return undefined;
}
