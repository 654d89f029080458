/**
 * When a replayed request "matches" the recorded one. Both are reduced to a comparable form
 * that keeps what the pipeline decides (stage, model, tools, tool choice, limits, message
 * structure, every text) and drops what only the run's surroundings decide: where the temp
 * directories and the checkout live, timestamps, durations, commit ids, and the tool_use ids a
 * model generates (replaced by their order of appearance). The first difference is reported
 * with its path in the request and a short excerpt of both sides.
 */
import os from "node:os";
import type { ContentBlock, ModelRequest, ToolSpec } from "../core/index.js";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const PATH_CHAR = String.raw`[^\s"'\`<>()\[\]{},;]`;

function tempRoots(): string[] {
  const roots = new Set(["/tmp", "/var/tmp", "/var/folders", "/private/var/folders"]);
  const tmp = os.tmpdir().replace(/[\\/]+$/, "");
  if (tmp) roots.add(tmp);
  return [...roots].sort((a, b) => b.length - a.length);
}

const roots = tempRoots().map(escapeRegExp).join("|");

const RULES: [RegExp, string | ((match: string) => string)][] = [
  // A checkout is <work dir>/jobs/<owner>-<name>-<random>/repo: keep the path inside it.
  [
    new RegExp(
      String.raw`(?:file:\/\/)?(?:[A-Za-z]:)?[\\/]${PATH_CHAR}*?[\\/]jobs[\\/][^\\/\s]+[\\/]repo(?=[\\/])`,
      "g",
    ),
    "<checkout>",
  ],
  // Anything else under a temp directory: keep the file name only.
  [
    new RegExp(String.raw`(?<![\w.-])(?:${roots})[\\/]${PATH_CHAR}*`, "g"),
    (match) => `<tmp>/${match.split(/[\\/]/).at(-1) ?? ""}`,
  ],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, "<time>"],
  [/\bduration_ms[:\s]+\d+(?:\.\d+)?/g, "duration_ms <n>"],
  [/\b\d+\.\d+\s?m?s\b|\b\d+\s?ms\b/g, "<duration>"],
  [/\b[0-9a-f]{40}\b/g, "<sha>"],
];

/** A text with its volatile parts replaced by placeholders. */
export function stableText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES)
    out =
      typeof replacement === "string"
        ? out.replace(pattern, replacement)
        : out.replace(pattern, replacement);
  return out;
}

function stableValue(value: unknown): unknown {
  if (typeof value === "string") return stableText(value);
  if (Array.isArray(value)) return value.map(stableValue);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, stableValue((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function stableTool(tool: ToolSpec): unknown {
  if (tool.kind === "text-editor") return { kind: tool.kind };
  return {
    kind: tool.kind,
    name: tool.name,
    description: stableText(tool.description),
    inputSchema: stableValue(tool.inputSchema),
  };
}

/** The comparable form of a request; keys in the order a difference is most telling. */
export function comparableRequest(request: ModelRequest): Record<string, unknown> {
  const ids = new Map<string, string>();
  const idOf = (id: string) => {
    if (!ids.has(id)) ids.set(id, `tool_use#${ids.size + 1}`);
    return ids.get(id)!;
  };
  const stableBlock = (block: ContentBlock): unknown => {
    switch (block.type) {
      case "text":
        return { type: block.type, text: stableText(block.text) };
      case "tool_use":
        return {
          type: block.type,
          id: idOf(block.id),
          name: block.name,
          input: stableValue(block.input),
        };
      case "tool_result":
        return {
          type: block.type,
          toolUseId: idOf(block.toolUseId),
          content: stableText(block.content),
          isError: block.isError ?? false,
        };
    }
  };
  return {
    stage: request.stage,
    model: request.model ?? null,
    tools: (request.tools ?? []).map(stableTool),
    toolChoice: request.toolChoice ?? null,
    maxTokens: request.maxTokens,
    temperature: request.temperature ?? null,
    system: stableText(request.system),
    messages: request.messages.map((m) => ({
      role: m.role,
      content: m.content.map(stableBlock),
    })),
  };
}

export interface Difference {
  /** Where in the request, e.g. `messages[2].content[0].text`. */
  path: string;
  expected: string;
  actual: string;
}

const EXCERPT = 60;

function excerpt(text: string, at: number): string {
  const start = Math.max(0, at - EXCERPT / 2);
  const end = Math.min(text.length, at + EXCERPT / 2);
  const body = JSON.stringify(text.slice(start, end));
  return `${start > 0 ? "…" : ""}${body}${end < text.length ? "…" : ""}`;
}

function brief(value: unknown): string {
  if (value === undefined) return "(nothing)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > EXCERPT + 20 ? `${text.slice(0, EXCERPT + 20)}…` : text;
}

function join(path: string, key: string | number): string {
  return typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

/** The first place where two comparable forms differ, or undefined when they are the same. */
export function firstDifference(
  expected: unknown,
  actual: unknown,
  path = "",
): Difference | undefined {
  if (typeof expected === "string" && typeof actual === "string") {
    if (expected === actual) return undefined;
    let at = 0;
    while (at < expected.length && expected[at] === actual[at]) at++;
    return { path, expected: excerpt(expected, at), actual: excerpt(actual, at) };
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const common = Math.min(expected.length, actual.length);
    for (let i = 0; i < common; i++) {
      const found = firstDifference(expected[i], actual[i], join(path, i));
      if (found) return found;
    }
    if (expected.length === actual.length) return undefined;
    return {
      path: path || "(request)",
      expected: `${expected.length} entries${expected.length > common ? `, then ${brief(expected[common])}` : ""}`,
      actual: `${actual.length} entries${actual.length > common ? `, then ${brief(actual[common])}` : ""}`,
    };
  }
  if (
    expected &&
    actual &&
    typeof expected === "object" &&
    typeof actual === "object" &&
    !Array.isArray(expected) &&
    !Array.isArray(actual)
  ) {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(e), ...Object.keys(a)])];
    for (const key of keys) {
      const found = firstDifference(e[key], a[key], join(path, key));
      if (found) return found;
    }
    return undefined;
  }
  if (Object.is(expected, actual)) return undefined;
  return { path: path || "(request)", expected: brief(expected), actual: brief(actual) };
}
