/**
 * A deliberately small template language for templates/*.md:
 *   {{name}} or {{a.b}}         the value (missing -> empty)
 *   {{#name}}...{{/name}}       a section: repeated for each item of an array (the item is `.`
 *                               and its fields are in scope), shown once for a truthy value,
 *                               hidden for false, empty arrays, empty strings and missing values
 *   {{^name}}...{{/name}}       shown only when the section above would be hidden
 * No HTML escaping: the output is Markdown or a prompt.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { recordTemplateUse, templateHeader, templateOverride } from "./template-scope.js";

type Scope = Record<string, unknown>;

const templatesDir = fileURLToPath(new URL("../../templates/", import.meta.url));

function lookup(scopes: unknown[], name: string): unknown {
  if (name === ".") return scopes[scopes.length - 1];
  const [head, ...rest] = name.split(".");
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i];
    if (scope !== null && typeof scope === "object" && head! in (scope as Scope)) {
      let value: unknown = (scope as Scope)[head!];
      for (const key of rest) {
        value = value !== null && typeof value === "object" ? (value as Scope)[key] : undefined;
      }
      return value;
    }
  }
  return undefined;
}

function isShown(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null && value !== false && value !== "" && value !== 0;
}

function renderWith(template: string, scopes: unknown[]): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf("{{", i);
    if (open < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, open);
    const close = template.indexOf("}}", open);
    if (close < 0) throw new Error(`unclosed tag at offset ${open}`);
    const tag = template.slice(open + 2, close).trim();
    i = close + 2;
    const sigil = tag[0];
    if (sigil === "#" || sigil === "^") {
      const name = tag.slice(1).trim();
      const end = findSectionEnd(template, i, name);
      const inner = template.slice(i, end.start);
      i = end.after;
      const value = lookup(scopes, name);
      if (sigil === "^") {
        if (!isShown(value)) out += renderWith(inner, scopes);
      } else if (Array.isArray(value)) {
        for (const item of value) out += renderWith(inner, [...scopes, item]);
      } else if (isShown(value)) {
        out += renderWith(inner, typeof value === "object" ? [...scopes, value] : scopes);
      }
    } else if (sigil === "/") {
      throw new Error(`unexpected closing tag {{${tag}}}`);
    } else {
      const value = lookup(scopes, tag);
      out += value === undefined || value === null ? "" : String(value);
    }
  }
  return out;
}

function findSectionEnd(
  template: string,
  from: number,
  name: string,
): { start: number; after: number } {
  let depth = 1;
  const pattern = /\{\{\s*([#^/])\s*([\w.]+)\s*\}\}/g;
  pattern.lastIndex = from;
  for (let m = pattern.exec(template); m; m = pattern.exec(template)) {
    if (m[2] !== name) continue;
    if (m[1] === "/") depth--;
    else depth++;
    if (depth === 0) return { start: m.index, after: m.index + m[0].length };
  }
  throw new Error(`section {{#${name}}} is never closed`);
}

export function renderTemplate(template: string, data: Scope): string {
  return renderWith(template, [data]);
}

const cache = new Map<string, string>();

/** The built-in text of templates/<name>, version header included. */
export async function builtInTemplate(name: string): Promise<string> {
  let template = cache.get(name);
  if (template === undefined) {
    template = await readFile(path.join(templatesDir, name), "utf8");
    cache.set(name, template);
  }
  return template;
}

/** templates/<name>, or the repository's override of it in a job's template scope. */
export async function loadTemplate(name: string): Promise<string> {
  const override = templateOverride(name);
  const { version, body } = templateHeader(override ?? (await builtInTemplate(name)));
  recordTemplateUse({ name, version, overridden: override !== undefined });
  return body;
}

/** Renders templates/<name> (for example "github/pr-body.md"). */
export async function render(name: string, data: Scope): Promise<string> {
  const template = await loadTemplate(name);
  return (
    renderTemplate(template, data)
      .replace(/\n{3,}/g, "\n\n")
      .trim() + "\n"
  );
}
