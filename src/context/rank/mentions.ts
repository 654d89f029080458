/**
 * What an issue names explicitly: file paths (also inside links and stack traces), dotted module
 * paths (`requests.models`), and code names (`Foo.bar`, `snake_case`, `camelCase`, names in code
 * spans). Each mention is resolved against the repository's own paths and definitions; a mention
 * that fits several files is split among them, so only specific mentions carry much weight.
 */

export interface MentionTarget {
  paths: readonly string[];
  /** name -> documents that define it. */
  definers: ReadonlyMap<string, readonly number[]>;
  /** 0..1: how rare a name is in the repository's text (1 = almost nowhere); common names hint little. */
  rarity?: (name: string) => number;
  /** Documents whose text uses a name (any occurrence, not only its definition). */
  users?: (name: string) => readonly number[];
}

/** A name used in more files than this is not a pointer to any of them. */
const MAX_USERS = 6;

export interface MentionHit {
  doc: number;
  weight: number;
  reason: string;
}

/** More definers than this and a name says nothing about where to look. */
const MAX_DEFINERS = 8;

const PY_FRAME = /File "([^"\n]+)", line (\d+)(?:, in (\w+))?/g;
const JS_FRAME = /\bat (?:([\w$.<>]+) )?\(?((?:[A-Za-z]:)?[^\s()]+?):(\d+)(?::\d+)?\)?/g;
const PATH_LIKE = /[\w.@~+-]*(?:[/\\][\w.@~+-]+)*\.([A-Za-z][A-Za-z0-9]{0,5})\b/g;
const DOTTED = /(?<![\w./])[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+/g;
const IDENTIFIER = /[A-Za-z_$][\w$]*/g;
const DETAILS = /<details>[\s\S]*?<\/details>/gi;
const CODE_SPAN = /```[\s\S]*?```|`[^`\n]+`/g;

class PathLookup {
  private readonly byName = new Map<string, number[]>();
  private readonly byModuleTail = new Map<string, number[]>();
  readonly extensions = new Set<string>();
  private readonly components: string[][];
  private readonly moduleComponents: string[][];

  constructor(paths: readonly string[]) {
    this.components = paths.map((p) => p.split("/"));
    this.moduleComponents = this.components.map((parts) => {
      const last = parts.at(-1) ?? "";
      const dot = last.lastIndexOf(".");
      const stem = dot > 0 ? last.slice(0, dot) : last;
      if (dot > 0) this.extensions.add(last.slice(dot + 1).toLowerCase());
      if (stem === "__init__" || stem === "index" || stem === "mod") return parts.slice(0, -1);
      return [...parts.slice(0, -1), stem];
    });
    this.components.forEach((parts, doc) => push(this.byName, parts.at(-1) ?? "", doc));
    this.moduleComponents.forEach((parts, doc) => push(this.byModuleTail, parts.at(-1) ?? "", doc));
  }

  /** Files whose path ends with the most of `parts`; [] when not even the file name matches. */
  matchPath(parts: string[]): { docs: number[]; matched: number } {
    return bestSuffix(this.byName.get(parts.at(-1) ?? "") ?? [], this.components, parts);
  }

  matchModule(parts: string[]): { docs: number[]; matched: number } {
    return bestSuffix(
      this.byModuleTail.get(parts.at(-1) ?? "") ?? [],
      this.moduleComponents,
      parts,
    );
  }
}

/** One lookup per file list: a worker ranks many issues against the same cached index. */
const lookups = new WeakMap<readonly string[], PathLookup>();

function push(map: Map<string, number[]>, key: string, doc: number): void {
  const list = map.get(key);
  if (list) list.push(doc);
  else map.set(key, [doc]);
}

function bestSuffix(
  candidates: number[],
  table: string[][],
  parts: string[],
): { docs: number[]; matched: number } {
  let best = 0;
  let docs: number[] = [];
  for (const doc of candidates) {
    const file = table[doc]!;
    let k = 0;
    while (
      k < parts.length &&
      k < file.length &&
      parts[parts.length - 1 - k] === file[file.length - 1 - k]
    )
      k++;
    if (k > best) {
      best = k;
      docs = [doc];
    } else if (k === best && k > 0) docs.push(doc);
  }
  return { docs, matched: best };
}

function normalizePath(raw: string): string[] {
  return raw
    .replace(/\\/g, "/")
    .replace(/#L?\d+.*$/, "")
    .replace(/:\d+(:\d+)?$/, "")
    .split("/")
    .filter((part) => part !== "" && part !== "." && part !== "..");
}

/** Identifiers that look like code rather than English: snake_case, camelCase, PascalCase, calls. */
function looksLikeCode(word: string, next: string): boolean {
  return (
    /[a-z0-9]_[a-zA-Z0-9]/.test(word) ||
    /^_/.test(word) ||
    /[a-z][A-Z]/.test(word) ||
    /^[A-Z][a-z0-9]+[A-Z]/.test(word) ||
    next === "("
  );
}

export function findMentions(query: string, target: MentionTarget): MentionHit[] {
  let lookup = lookups.get(target.paths);
  if (!lookup) {
    lookup = new PathLookup(target.paths);
    lookups.set(target.paths, lookup);
  }
  const hits: MentionHit[] = [];
  const spread = (docs: number[], weight: number, reason: string) => {
    for (const doc of docs) hits.push({ doc, weight: weight / docs.length, reason });
  };

  // Stack frames: the files a failure passed through, deepest (last) frame a little stronger.
  const frames: string[][] = [];
  for (const match of query.matchAll(PY_FRAME)) frames.push(normalizePath(match[1] ?? ""));
  for (const match of query.matchAll(JS_FRAME)) {
    const file = match[2] ?? "";
    if (/\.\w+$/.test(file)) frames.push(normalizePath(file));
  }
  const framed = new Set<number>();
  frames.forEach((parts, i) => {
    const { docs, matched } = lookup.matchPath(parts);
    if (matched === 0 || docs.length > 3) return;
    const weight = (matched >= 2 ? 1 : 0.5) * (i === frames.length - 1 ? 1.5 : 1);
    spread(docs, weight, `stack frame ${parts.slice(-matched).join("/")}`);
    docs.forEach((doc) => framed.add(doc));
  });

  // Paths anywhere in the text (prose, links, logs), including the ones frames already gave.
  const seenPaths = new Set<string>();
  for (const match of query.matchAll(PATH_LIKE)) {
    const extension = (match[1] ?? "").toLowerCase();
    if (!lookup.extensions.has(extension)) continue;
    const parts = normalizePath(match[0]);
    const key = parts.join("/");
    if (parts.length === 0 || seenPaths.has(key)) continue;
    seenPaths.add(key);
    const { docs, matched } = lookup.matchPath(parts);
    if (matched === 0) continue;
    const specific = matched >= 2 || parts.length === 1;
    spread(docs, specific ? 1.5 : 0.4, `names ${parts.slice(-matched).join("/")}`);
  }

  // Dotted names: the longest prefix that is a module, then what it names inside that module.
  const seenDotted = new Set<string>();
  for (const match of query.matchAll(DOTTED)) {
    const parts = match[0].split(".");
    if (lookup.extensions.has((parts.at(-1) ?? "").toLowerCase()) || seenDotted.has(match[0]))
      continue;
    seenDotted.add(match[0]);
    for (let i = parts.length; i >= 1; i--) {
      const { docs, matched } = lookup.matchModule(parts.slice(0, i));
      if (matched < i || docs.length === 0) continue;
      if (i >= 2)
        spread(docs, i === parts.length ? 0.6 : 0.4, `module ${parts.slice(0, i).join(".")}`);
      const member = parts[i];
      if (member) {
        const definers = (target.definers.get(member) ?? []).filter((doc) =>
          docs.some((moduleDoc) => sameTree(target.paths[moduleDoc]!, target.paths[doc]!)),
        );
        if (definers.length > 0 && definers.length <= MAX_DEFINERS) {
          spread(definers, 0.8, `defines ${parts.slice(0, i + 1).join(".")}`);
        }
      }
      break;
    }
  }

  // Code names: where they are defined. Names inside code spans count even when they look plain.
  const names = new Map<string, number>();
  const note = (name: string, weight: number) =>
    names.set(name, Math.max(names.get(name) ?? 0, weight));
  // Collapsed <details> blocks hold environment reports and logs (`xr.show_versions()` output):
  // names there say little about the bug. Frames and paths above still read them.
  const namesText = query.replace(DETAILS, " ");
  for (const span of namesText.matchAll(CODE_SPAN)) {
    for (const word of span[0].matchAll(IDENTIFIER)) note(word[0], 0.6);
  }
  const titleEnd = query.trimStart().indexOf("\n");
  const titleLength =
    (titleEnd < 0 ? query.length : titleEnd) + (query.length - query.trimStart().length);
  for (const word of namesText.matchAll(IDENTIFIER)) {
    const next = namesText[(word.index ?? 0) + word[0].length] ?? "";
    if (looksLikeCode(word[0], next)) note(word[0], (word.index ?? 0) < titleLength ? 1.5 : 1);
  }
  const rarity = target.rarity ?? (() => 1);
  for (const [name, weight] of names) {
    if (name.length < 3) continue;
    const definers = target.definers.get(name);
    if (definers && definers.length <= MAX_DEFINERS) {
      spread([...definers], weight * rarity(name) ** 2, `defines ${name}`);
      continue;
    }
    // A rare code name nobody defines (a config key, an option, a string) still points at the files using it.
    const users = target.users?.(name) ?? [];
    if (!definers && weight >= 1 && users.length > 0 && users.length <= MAX_USERS) {
      spread([...users], 0.5 * weight * rarity(name) ** 2, `uses ${name}`);
    }
  }
  // `Foo.bar`: the file that defines both is very likely the one meant.
  for (const dotted of seenDotted) {
    const parts = dotted.split(".");
    for (let i = 0; i + 1 < parts.length; i++) {
      const owner = new Set(target.definers.get(parts[i]!) ?? []);
      const both = (target.definers.get(parts[i + 1]!) ?? []).filter((doc) => owner.has(doc));
      if (both.length > 0 && both.length <= MAX_DEFINERS)
        spread(both, 1, `defines ${parts[i]}.${parts[i + 1]}`);
    }
  }
  return hits;
}

/** Whether `file` lies in the package directory of `moduleFile` (same folder or below it). */
function sameTree(moduleFile: string, file: string): boolean {
  const dir = moduleFile.includes("/") ? moduleFile.slice(0, moduleFile.lastIndexOf("/") + 1) : "";
  return file.startsWith(dir);
}
