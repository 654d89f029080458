/**
 * The import graph and a personalized PageRank over it. Seeded with what the lexical and mention
 * signals already like, it lifts files next to them (the module a named function lives in, the
 * helper every candidate imports) and does little for isolated files.
 */

export type Edges = number[][];

/** Module paths of a file: `a/b/c.py` -> a/b/c; `a/b/__init__.py`, `a/b/index.ts` -> a/b. */
export function moduleKey(filePath: string): string {
  const withoutExtension = filePath.replace(/\.[^./]+$/, "");
  return withoutExtension.replace(/(^|\/)(__init__|index|mod)$/, "");
}

export class ModuleResolver {
  private readonly full = new Map<string, number[]>();
  private readonly suffix = new Map<string, number[]>();

  constructor(private readonly paths: readonly string[]) {
    paths.forEach((file, doc) => {
      const key = moduleKey(file);
      add(this.full, key, doc);
      const parts = key.split("/");
      for (let i = 1; i < parts.length; i++) add(this.suffix, parts.slice(i).join("/"), doc);
    });
  }

  /** Documents a specifier written in `from` refers to; [] when it is a third-party module. */
  resolve(from: number, spec: string): number[] {
    const source = this.paths[from] ?? "";
    const dir = source.includes("/") ? source.slice(0, source.lastIndexOf("/")) : "";
    if (spec.startsWith("./") || spec.startsWith("../") || spec === "." || spec === "..") {
      return this.exact(joinPath(dir, spec));
    }
    if (/^\.+/.test(spec)) {
      // Python relative import: one dot is the file's own package, each further dot goes up.
      const dots = /^\.+/.exec(spec)![0].length;
      const up = dir.split("/").slice(0, Math.max(0, dir.split("/").length - (dots - 1)));
      const rest = spec.slice(dots).split(".").filter(Boolean);
      return this.longestPrefix([...up.filter(Boolean)], rest, true);
    }
    const parts = spec
      .replace(/^@[\w.-]+\//, "")
      .split(/[./]/)
      .filter(Boolean);
    return this.longestPrefix([], parts, false);
  }

  private exact(key: string): number[] {
    return this.full.get(moduleKey(key)) ?? this.full.get(key) ?? [];
  }

  private longestPrefix(base: string[], parts: string[], anchored: boolean): number[] {
    for (let i = parts.length; i >= (anchored ? 0 : 1); i--) {
      const key = [...base, ...parts.slice(0, i)].join("/");
      const found = anchored
        ? this.full.get(key)
        : (this.full.get(key) ?? this.suffix.get(key) ?? this.suffix.get(`${key}/src`));
      if (found && found.length <= 3) return found;
      if (found) return [];
    }
    return [];
  }
}

function add(map: Map<string, number[]>, key: string, doc: number): void {
  const list = map.get(key);
  if (list) list.push(doc);
  else map.set(key, [doc]);
}

function joinPath(dir: string, relative: string): string {
  const out = dir === "" ? [] : dir.split("/");
  for (const part of relative.split("/")) {
    if (part === "..") out.pop();
    else if (part !== "." && part !== "") out.push(part);
  }
  return out.join("/");
}

export function buildImportGraph(
  paths: readonly string[],
  imports: readonly (readonly string[])[],
): Edges {
  const resolver = new ModuleResolver(paths);
  return imports.map((specs, doc) => {
    const targets = new Set<number>();
    for (const spec of specs)
      for (const target of resolver.resolve(doc, spec)) if (target !== doc) targets.add(target);
    return [...targets];
  });
}

const undirectedCache = new WeakMap<Edges, number[][]>();

function undirected(edges: Edges): number[][] {
  let neighbours = undirectedCache.get(edges);
  if (!neighbours) {
    const built: number[][] = edges.map((targets) => [...targets]);
    edges.forEach((targets, doc) => targets.forEach((target) => built[target]!.push(doc)));
    undirectedCache.set(edges, built);
    neighbours = built;
  }
  return neighbours;
}

/**
 * PageRank with restarts to `seed`, over imports in both directions (a file and what imports it
 * are both "near"). Returns scores that sum to about 1.
 */
export function personalizedPageRank(
  edges: Edges,
  seed: Float64Array,
  damping = 0.5,
  iterations = 20,
): Float64Array {
  const n = edges.length;
  const neighbours = undirected(edges);
  let total = 0;
  for (const value of seed) total += value;
  const restart = new Float64Array(n);
  if (total <= 0) return restart;
  for (let i = 0; i < n; i++) restart[i] = seed[i]! / total;
  let rank = Float64Array.from(restart);
  let next = new Float64Array(n);
  for (let step = 0; step < iterations; step++) {
    next.fill(0);
    for (let doc = 0; doc < n; doc++) {
      const out = neighbours[doc]!;
      if (out.length === 0) {
        next[doc]! += damping * rank[doc]!;
        continue;
      }
      const share = (damping * rank[doc]!) / out.length;
      for (const target of out) next[target]! += share;
    }
    for (let i = 0; i < n; i++) next[i]! += (1 - damping) * restart[i]!;
    [rank, next] = [next, rank];
  }
  return rank;
}
