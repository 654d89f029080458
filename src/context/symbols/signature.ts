import type { Node } from "web-tree-sitter";
import type { Collector } from "./types.js";

export const SIGNATURE_MAX_CHARS = 160;

export function oneLine(text: string): string {
  const collapsed = text
    .replace(/\s+/g, " ")
    .replace(/([([]) /g, "$1")
    .replace(/,? ([)\]])/g, "$1")
    .trim();
  return collapsed.length > SIGNATURE_MAX_CHARS
    ? `${collapsed.slice(0, SIGNATURE_MAX_CHARS - 1)}…`
    : collapsed;
}

/**
 * The declaration without its body: from `outer` (which may include `export` or decorators'
 * target) up to where `body` starts, or all of it (capped) when there is no body.
 */
export function signatureOf(outer: Node, body: Node | null | undefined): string {
  const text = outer.text;
  if (body && body.startIndex > outer.startIndex) {
    return oneLine(
      text
        .slice(0, body.startIndex - outer.startIndex)
        .replace(/[\s{:=]+$/, (m) => (m.includes(":") ? ":" : "")),
    );
  }
  // Bodiless declarations (overloads, type aliases, constants) read best whole, up to the cap.
  return oneLine(text.slice(0, SIGNATURE_MAX_CHARS * 3)).replace(/;$/, "");
}

export function addDefinition(
  out: Collector,
  kind: string,
  name: Node | string | null | undefined,
  at: Node,
  signatureNode: Node,
  body?: Node | null,
  container?: string,
): void {
  const text = typeof name === "string" ? name : name?.text;
  if (!text) return;
  const def = {
    name: text,
    kind,
    line: at.startPosition.row + 1,
    signature: signatureOf(signatureNode, body),
  };
  out.definitions.push(container ? { ...def, container } : def);
}

/** The text of a string literal node without its quotes. */
export function unquote(text: string): string {
  return text.replace(/^[`'"]+|[`'"]+$/g, "");
}
