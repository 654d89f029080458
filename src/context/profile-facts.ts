/**
 * What the profile is computed from: the root directory's names, the tracked paths, and the few
 * small root files (package.json, pyproject.toml, setup.cfg, tox.ini) that say how the repo is run.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export interface PackageJson {
  scripts: Record<string, string>;
  dependencies: Set<string>;
  packageManager?: string;
}

export interface RepoFacts {
  /** Names at the root of the checkout, tracked or not (lockfiles are not in the inventory). */
  root: Set<string>;
  /** Tracked, inventoried paths. */
  paths: string[];
  packageJson?: PackageJson;
  pyproject?: string;
  setupCfg?: string;
  toxIni?: string;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch {
    return undefined;
  }
}

function parsePackageJson(text: string | undefined): PackageJson | undefined {
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { scripts: {}, dependencies: new Set() };
  }
  const object = (value: unknown): Record<string, unknown> =>
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  const json = object(raw);
  const scripts: Record<string, string> = {};
  for (const [name, command] of Object.entries(object(json.scripts))) {
    if (typeof command === "string") scripts[name] = command;
  }
  const dependencies = new Set<string>();
  for (const field of [
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "optionalDependencies",
  ]) {
    for (const name of Object.keys(object(json[field]))) dependencies.add(name);
  }
  const result: PackageJson = { scripts, dependencies };
  if (typeof json.packageManager === "string") result.packageManager = json.packageManager;
  return result;
}

export async function gatherFacts(dir: string, paths: string[]): Promise<RepoFacts> {
  const [names, packageJson, pyproject, setupCfg, toxIni] = await Promise.all([
    readdir(dir).catch(() => [] as string[]),
    readOptional(path.join(dir, "package.json")),
    readOptional(path.join(dir, "pyproject.toml")),
    readOptional(path.join(dir, "setup.cfg")),
    readOptional(path.join(dir, "tox.ini")),
  ]);
  const facts: RepoFacts = { root: new Set(names), paths };
  const parsed = parsePackageJson(packageJson);
  if (parsed) facts.packageJson = parsed;
  if (pyproject !== undefined) facts.pyproject = pyproject;
  if (setupCfg !== undefined) facts.setupCfg = setupCfg;
  if (toxIni !== undefined) facts.toxIni = toxIni;
  return facts;
}

/** True when an INI/TOML text has a section whose header starts with one of `prefixes`. */
export function hasSection(text: string | undefined, ...prefixes: string[]): boolean {
  if (!text) return false;
  return text.split(/\r?\n/).some((line) => {
    const header = /^\s*\[([^\]]+)\]/.exec(line)?.[1]?.trim();
    return header !== undefined && prefixes.some((p) => header === p || header.startsWith(`${p}.`));
  });
}

/** Keys of one TOML table, e.g. the extras under [project.optional-dependencies]. */
export function tableKeys(text: string | undefined, table: string): string[] {
  if (!text) return [];
  const keys: string[] = [];
  let inside = false;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]/.exec(line)?.[1]?.trim();
    if (header !== undefined) {
      inside = header === table;
      continue;
    }
    const key = inside ? /^\s*"?([\w.-]+)"?\s*=/.exec(line)?.[1] : undefined;
    if (key) keys.push(key);
  }
  return keys;
}

export function firstPresent(root: Set<string>, names: string[]): string | undefined {
  return names.find((name) => root.has(name));
}
