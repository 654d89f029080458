/**
 * Line-based definitions and imports for languages without a grammar here (and for files a grammar
 * could not make sense of). Catches the common declaration shapes; misses are acceptable.
 */
import { oneLine } from "./signature.js";
import type { FileSymbols, SymbolDef } from "./types.js";

const DEFINITIONS: { kind: string; pattern: RegExp }[] = [
  {
    kind: "class",
    pattern:
      /^\s*(?:export\s+)?(?:default\s+)?(?:(?:public|private|protected|internal|open|abstract|sealed|final|static|data|partial)\s+)*(?:class|object)\s+([A-Za-z_$][\w$]*)/,
  },
  {
    kind: "interface",
    pattern:
      /^\s*(?:export\s+)?(?:(?:public|private|protected|internal)\s+)*(?:interface|protocol)\s+([A-Za-z_$][\w$]*)/,
  },
  {
    kind: "struct",
    pattern: /^\s*(?:(?:pub|public|private|internal|typedef)\s+)*struct\s+([A-Za-z_]\w*)/,
  },
  {
    kind: "enum",
    pattern:
      /^\s*(?:export\s+)?(?:(?:pub|public|private|internal)\s+)*enum\s+(?:class\s+)?([A-Za-z_]\w*)/,
  },
  { kind: "trait", pattern: /^\s*(?:pub\s+)?trait\s+([A-Za-z_]\w*)/ },
  { kind: "module", pattern: /^\s*(?:module|namespace|defmodule|package)\s+([\w.:\\]+)/ },
  {
    kind: "function",
    pattern:
      /^\s*(?:export\s+)?(?:(?:async|public|private|protected|static|local|override|suspend|inline)\s+)*(?:function|func|fun|fn|def|defp|sub|proc)\s+([A-Za-z_$][\w$.:!?]*)/,
  },
  { kind: "function", pattern: /^\s*([A-Za-z_][\w-]*)\s*\(\)\s*\{/ },
  // C-like: a name and a parameter list starting at column 0, not a call or control statement.
  {
    kind: "function",
    pattern:
      /^(?!(?:if|for|while|switch|return|else|do|case|sizeof)\b)[A-Za-z_][\w\s*&:<>,~]*?\b([A-Za-z_~][\w:~]*)\s*\([^;]*$/,
  },
];

const IMPORTS: RegExp[] = [
  /^\s*#\s*include\s*[<"]([^>"]+)[>"]/,
  /^\s*(?:import|using|use)\s+(?:static\s+)?([\w.:\\/]+)/,
  /^\s*from\s+([\w.]+)\s+import\b/,
  /\b(?:require|require_relative|load|source)\s*\(?\s*['"]([^'"]+)['"]/,
  /^\s*import\s.*?\bfrom\s+['"]([^'"]+)['"]/,
  /^\s*@import\s+(?:url\()?['"]([^'"]+)['"]/,
];

const HEADING = /^(#{1,3})\s+(.+?)\s*#*\s*$/;
const MAX_LINES = 20_000;

export function fallbackSymbols(content: string, language: string): FileSymbols {
  const definitions: SymbolDef[] = [];
  const imports = new Set<string>();
  const lines = content.split("\n", MAX_LINES);
  const markdown = language === "markdown";
  let fenced = false;
  lines.forEach((line, index) => {
    if (line.length > 500) return;
    if (markdown) {
      if (line.startsWith("```")) fenced = !fenced;
      const heading = fenced ? null : HEADING.exec(line);
      if (heading)
        definitions.push({
          name: heading[2]!,
          kind: "heading",
          line: index + 1,
          signature: oneLine(line),
        });
      return;
    }
    for (const { kind, pattern } of DEFINITIONS) {
      const match = pattern.exec(line);
      if (match?.[1]) {
        definitions.push({
          name: match[1],
          kind,
          line: index + 1,
          signature: oneLine(line.replace(/\s*[{:]\s*$/, "")),
        });
        break;
      }
    }
    for (const pattern of IMPORTS) {
      const match = pattern.exec(line);
      if (match?.[1]) {
        imports.add(match[1].replace(/;$/, ""));
        break;
      }
    }
  });
  return { definitions, imports: [...imports] };
}
