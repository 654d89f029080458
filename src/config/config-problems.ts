/**
 * A zod issue as a sentence a maintainer can act on: the line, the key as written, what
 * is wrong and what to write instead.
 */
import type { z } from "zod";
import type { ConfigLayer } from "./config-layer.js";
import { closestKey } from "./suggest-key.js";

type Issue = z.core.$ZodIssue;

export function locate(layer: ConfigLayer, path: readonly PropertyKey[]): string {
  const keys = path.map(String);
  for (let length = keys.length; length > 0; length--) {
    const position = layer.positions.get(keys.slice(0, length).join("."));
    if (position) {
      const rest = keys.slice(length);
      const key = [position.written, ...rest.map((k) => (/^\d+$/.test(k) ? `[${k}]` : k))]
        .join(".")
        .replace(/\.\[/g, "[");
      return `line ${position.line}: ${key}`;
    }
  }
  return keys.length > 0 ? keys.join(".") : "(top level)";
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let node = value;
  for (const key of path) {
    node =
      node !== null && typeof node === "object"
        ? (node as Record<PropertyKey, unknown>)[key]
        : undefined;
  }
  return node;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value === "string" ? "the text" : `the ${typeof value}`} ${JSON.stringify(value)}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping of keys",
};

function explain(issue: Issue, actual: unknown): string {
  switch (issue.code) {
    case "invalid_type":
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}, found ${describeValue(actual)}`;
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string")
        return min <= 1 ? "must not be empty" : `must be at least ${min} characters`;
      if (issue.origin === "array") return `must list at least ${min} item${min === 1 ? "" : "s"}`;
      return `must be ${issue.inclusive === false ? "more than" : "at least"} ${min}, found ${describeValue(actual)}`;
    }
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "string") return `must be at most ${max} characters`;
      if (issue.origin === "array") return `must list at most ${max} items`;
      return `must be ${issue.inclusive === false ? "less than" : "at most"} ${max}, found ${describeValue(actual)}`;
    }
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, found ${describeValue(actual)}`;
    case "invalid_union":
      return `must be a command as text (run by sh -c) or a list of arguments, found ${describeValue(actual)}`;
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return issue.message;
  }
}

export function problemOf(layer: ConfigLayer, issue: Issue): string {
  return `${locate(layer, issue.path)}: ${explain(issue, valueAt(layer.value, issue.path))}`;
}

export function unknownKeyProblem(layer: ConfigLayer, path: string[], known: string[]): string {
  const key = path.at(-1)!;
  const suggestion = closestKey(key, known);
  const what = suggestion
    ? `unknown key; did you mean "${[...path.slice(0, -1), suggestion].join(".")}"? Rename it, or remove it`
    : `unknown key; the keys here are ${known.join(", ")}`;
  return `${locate(layer, path)}: ${what}`;
}
