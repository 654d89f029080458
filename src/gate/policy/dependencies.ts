/**
 * New dependencies, found by comparing each changed manifest with its version at the base commit:
 * package.json, requirements*.txt, pyproject.toml, Cargo.toml, go.mod.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { DiffInfo } from "../diff.js";
import { showAt } from "../git.js";

export interface NewDependency {
  ecosystem: "npm" | "pypi" | "cargo" | "go";
  name: string;
  file: string;
  line?: number;
}

type Extractor = (text: string) => string[];

const npmSections = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"];

const npmNames: Extractor = (text) => {
  try {
    const manifest = JSON.parse(text) as Record<string, unknown>;
    return npmSections.flatMap((section) => {
      const deps = manifest[section];
      return deps !== null && typeof deps === "object" ? Object.keys(deps) : [];
    });
  } catch {
    return [];
  }
};

const requirementNames: Extractor = (text) =>
  text
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("-"))
    .map((line) => /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line)?.[1]?.toLowerCase() ?? "")
    .filter(Boolean);

/** Keys of `[...dependencies...]` tables and names in `dependencies = [...]` arrays (Cargo, PEP 621, Poetry). */
const tomlNames: Extractor = (text) => {
  const names: string[] = [];
  let inTable = false;
  let inArray = false;
  let inArrayTable = false;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    const header = /^\[+([^\]]+)\]+$/.exec(line);
    if (header) {
      const name = header[1]!.trim();
      const dotted = /^(?:.*\.)?(?:dev-|build-)?dependencies\.([A-Za-z0-9_-]+)$/.exec(name);
      if (dotted) names.push(dotted[1]!.toLowerCase());
      inTable =
        /(?:^|\.)(?:dev-|build-)?dependencies$/.test(name) ||
        /(?:^|\.)group\.[^.]+\.dependencies$/.test(name);
      inArrayTable = /(?:optional-dependencies|dependency-groups)$/.test(name);
      inArray = false;
      continue;
    }
    if (/^(?:dependencies|requires)\s*=\s*\[/.test(line) || (inArrayTable && /=\s*\[/.test(line)))
      inArray = true;
    if (inArray) {
      for (const m of line.matchAll(/["']([A-Za-z0-9][A-Za-z0-9._-]*)/g))
        names.push(m[1]!.toLowerCase());
      if (line.includes("]")) inArray = false;
      continue;
    }
    if (inTable) {
      const key = /^([A-Za-z0-9_.-]+)\s*=/.exec(line);
      if (key && key[1] !== "python") names.push(key[1]!.toLowerCase());
    }
  }
  return names;
};

const goModules: Extractor = (text) => {
  const names: string[] = [];
  let inBlock = false;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\/\/.*/, "").trim();
    if (line.startsWith("require (")) inBlock = true;
    else if (inBlock && line === ")") inBlock = false;
    else if (inBlock && line) names.push(line.split(/\s+/)[0]!);
    else if (line.startsWith("require ")) names.push(line.split(/\s+/)[1]!);
  }
  return names;
};

function extractorFor(file: string): [NewDependency["ecosystem"], Extractor] | undefined {
  const base = path.posix.basename(file);
  if (base === "package.json") return ["npm", npmNames];
  if (/^requirements.*\.(?:txt|in)$/.test(base)) return ["pypi", requirementNames];
  if (base === "pyproject.toml") return ["pypi", tomlNames];
  if (base === "Cargo.toml") return ["cargo", tomlNames];
  if (base === "go.mod") return ["go", goModules];
  return undefined;
}

function lineOf(text: string, name: string): number | undefined {
  const index = text.split("\n").findIndex((line) => line.includes(name));
  return index < 0 ? undefined : index + 1;
}

export async function newDependencies(
  dir: string,
  baseSha: string,
  diff: DiffInfo,
): Promise<NewDependency[]> {
  const found: NewDependency[] = [];
  for (const change of diff.files) {
    if (change.status === "deleted") continue;
    const kind = extractorFor(change.path);
    if (!kind) continue;
    const [ecosystem, extract] = kind;
    const head = await readFile(path.join(dir, change.path), "utf8").catch(() => "");
    const base = (await showAt(dir, baseSha, change.oldPath ?? change.path)) ?? "";
    const before = new Set(extract(base));
    for (const name of new Set(extract(head))) {
      if (before.has(name)) continue;
      const line = lineOf(head, name);
      found.push({ ecosystem, name, file: change.path, ...(line === undefined ? {} : { line }) });
    }
  }
  return found;
}
