/** The repository profile: languages, package managers, manifests, commands, config and instruction files. */
import path from "node:path";
import type { RepoProfile } from "../core/index.js";
import { listInventory, type InventoryFile } from "./inventory.js";
import { SOURCE_LANGUAGES } from "./languages.js";
import { ECOSYSTEMS, type EcosystemProfile } from "./profile-ecosystems.js";
import { gatherFacts } from "./profile-facts.js";

const MANIFESTS = new Set([
  "package.json",
  "deno.json",
  "pyproject.toml",
  "setup.py",
  "setup.cfg",
  "requirements.txt",
  "Pipfile",
  "Cargo.toml",
  "go.mod",
  "pom.xml",
  "build.gradle",
  "build.gradle.kts",
  "Gemfile",
  "composer.json",
  "mix.exs",
  "Package.swift",
  "CMakeLists.txt",
]);
const MAX_MANIFESTS = 30;

/** Files that tell a coding agent how this repository wants to be worked on, most specific first. */
const INSTRUCTION_FILES = [
  "AGENTS.md",
  "CLAUDE.md",
  ".github/copilot-instructions.md",
  "CONTRIBUTING.md",
  ".github/CONTRIBUTING.md",
  "docs/CONTRIBUTING.md",
];
const MAX_NESTED_AGENTS = 10;
/** Paths under these hold sample projects, not the repository's own setup. */
const FIXTURE_DIR = /(^|\/)(fixtures?|examples?|samples?|testdata|test-data|__fixtures__)\//;

function depth(p: string): number {
  return p.split("/").length;
}

function languages(files: InventoryFile[]): RepoProfile["languages"] {
  const counts = new Map<string, number>();
  for (const file of files) {
    if (SOURCE_LANGUAGES.has(file.language))
      counts.set(file.language, (counts.get(file.language) ?? 0) + 1);
  }
  return [...counts]
    .map(([name, count]) => ({ name, files: count }))
    .sort((a, b) => b.files - a.files || a.name.localeCompare(b.name));
}

function instructionFiles(paths: Set<string>): string[] {
  const found = INSTRUCTION_FILES.filter((p) => paths.has(p));
  const lowerRoot = [...paths].filter(
    (p) => !p.includes("/") && p.toLowerCase() === "contributing.md" && !found.includes(p),
  );
  const nested = [...paths]
    .filter((p) => p.endsWith("/AGENTS.md") && !FIXTURE_DIR.test(p))
    .sort((a, b) => depth(a) - depth(b) || a.localeCompare(b))
    .slice(0, MAX_NESTED_AGENTS);
  return [...found, ...lowerRoot, ...nested];
}

export async function detectProfile(dir: string, files?: InventoryFile[]): Promise<RepoProfile> {
  const inventory = files ?? (await listInventory(dir));
  const paths = inventory.map((f) => f.path);
  const facts = await gatherFacts(dir, paths);
  const langs = languages(inventory);
  const weight = (names: string[]) =>
    langs.filter((l) => names.includes(l.name)).reduce((sum, l) => sum + l.files, 0);

  const detected: { profile: EcosystemProfile; weight: number }[] = [];
  for (const ecosystem of ECOSYSTEMS) {
    const profile = ecosystem.detect(facts);
    if (profile) detected.push({ profile, weight: weight(ecosystem.languages) });
  }
  // The ecosystem with the most source files speaks first; the others fill only what it left open.
  detected.sort((a, b) => b.weight - a.weight);

  const profile: RepoProfile = {
    languages: langs,
    packageManagers: [],
    manifests: paths
      .filter((p) => MANIFESTS.has(path.posix.basename(p)) && !FIXTURE_DIR.test(p))
      .sort((a, b) => depth(a) - depth(b) || a.localeCompare(b))
      .slice(0, MAX_MANIFESTS),
    commands: {},
    configFiles: [],
    instructionFiles: instructionFiles(new Set(paths)),
  };
  for (const { profile: found } of detected) {
    profile.packageManagers.push(
      ...found.packageManagers.filter((pm) => !profile.packageManagers.includes(pm)),
    );
    profile.testFramework ??= found.testFramework;
    for (const [slot, spec] of Object.entries(found.commands) as [
      keyof RepoProfile["commands"],
      RepoProfile["commands"]["test"],
    ][]) {
      if (spec && !profile.commands[slot]) profile.commands[slot] = spec;
    }
    profile.configFiles.push(...found.configFiles.filter((f) => !profile.configFiles.includes(f)));
  }
  if (profile.testFramework === undefined) delete profile.testFramework;
  return profile;
}
