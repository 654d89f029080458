/**
 * One YAML file of configuration (the repository's, or the organization's defaults) read
 * into a plain object with camelCase keys, remembering where each key was written: the
 * line and the spelling, so problems name what the user actually typed.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Node } from "yaml";

export interface KeyPosition {
  line: number;
  /** The dotted path as written in the file (snake_case stays snake_case). */
  written: string;
}

export interface ConfigLayer {
  /** Where it came from, e.g. ".github/patchsmith.yml" or "acme/.github: .github/patchsmith.yml". */
  source: string;
  value: Record<string, unknown>;
  /** Normalized dotted path -> where that key is. */
  positions: Map<string, KeyPosition>;
  /** Problems found while reading (YAML syntax, duplicate spellings), with lines. */
  problems: string[];
}

/** `plan_approval` and `plan-approval` -> `planApproval`; camelCase stays as it is. */
export function camelKey(key: string): string {
  return key.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function readConfigLayer(text: string | undefined, source: string): ConfigLayer {
  const layer: ConfigLayer = { source, value: {}, positions: new Map(), problems: [] };
  if (text === undefined || text.trim() === "") return layer;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  if (doc.errors.length > 0) {
    layer.problems = doc.errors.map(
      (e) =>
        `line ${e.linePos?.[0]?.line ?? "?"}: ${e.message.split("\n")[0]} (the file is not valid YAML; check the indentation and quoting there)`,
    );
    return layer;
  }
  const lineOf = (node: unknown): number | undefined => {
    const offset = (node as { range?: [number, number, number] } | null)?.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };

  const walk = (node: Node | null, path: string[], written: string[]): unknown => {
    if (!isMap(node)) return node === null ? null : (node as { toJSON(): unknown }).toJSON();
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const rawKey = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const key = camelKey(rawKey);
      const keyPath = [...path, key];
      const writtenPath = [...written, rawKey];
      const dotted = keyPath.join(".");
      const line = lineOf(pair.key) ?? lineOf(pair.value) ?? 0;
      const earlier = layer.positions.get(dotted);
      if (earlier) {
        layer.problems.push(
          `line ${line}: ${writtenPath.join(".")}: set twice (also as ${earlier.written} on line ${earlier.line}); keep one of them`,
        );
        continue;
      }
      layer.positions.set(dotted, { line, written: writtenPath.join(".") });
      out[key] = walk(pair.value as Node | null, keyPath, writtenPath);
    }
    return out;
  };

  const root = doc.contents as Node | null;
  if (root === null) return layer;
  if (!isMap(root)) {
    layer.problems.push(
      `line ${lineOf(root) ?? 1}: the file must be a mapping of keys (for example \`planApproval: true\`), not a list or a single value`,
    );
    return layer;
  }
  layer.value = walk(root, [], []) as Record<string, unknown>;
  return layer;
}

/**
 * `over` on top of `under`: maps merge key by key, anything else (lists included) in
 * `over` replaces what `under` had. A repository that lists protected paths means its list.
 */
export function mergeUnder(
  under: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...under };
  for (const [key, value] of Object.entries(over)) {
    const below = out[key];
    out[key] = isPlainObject(value) && isPlainObject(below) ? mergeUnder(below, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
