/**
 * A compact outline of the repository for the model: files in ranking order, each with the
 * signatures of its definitions and their lines, cut to fit a token budget.
 */
import type { RankedFile } from "../core/index.js";
import type { FileSymbols, SymbolDef } from "./symbols/index.js";
import { charsForTokens } from "./tokens.js";

/** Beyond this many definitions a file's outline says how many more there are. */
const MAX_DEFINITIONS_PER_FILE = 30;

function outlineLine(def: SymbolDef): string {
  const indent = def.container ? "    " : "  ";
  return `${indent}${def.line}: ${def.signature}`;
}

/** Overloads and getter/setter pairs read as noise in an outline: keep the first of each. */
function distinct(definitions: SymbolDef[]): SymbolDef[] {
  const seen = new Set<string>();
  return definitions.filter((def) => {
    const key = `${def.container ?? ""}\0${def.kind}\0${def.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function outline(path: string, symbols: FileSymbols | undefined, limit: number): string[] {
  const definitions = distinct((symbols?.definitions ?? []).filter((d) => d.kind !== "heading"));
  const lines = [path, ...definitions.slice(0, limit).map(outlineLine)];
  if (definitions.length > limit && limit > 0) lines.push(`  … ${definitions.length - limit} more`);
  return lines;
}

export function buildRepoMap(
  ranked: RankedFile[],
  symbols: Map<string, FileSymbols>,
  budgetTokens: number,
): string {
  const maxChars = charsForTokens(budgetTokens);
  const parts: string[] = [];
  let used = 0;
  for (const file of ranked) {
    const separator = parts.length > 0 ? 1 : 0;
    // Try the full outline, then shorter ones, then the bare path: lower-ranked files still get named.
    let placed = false;
    for (const limit of [MAX_DEFINITIONS_PER_FILE, 10, 3, 0]) {
      const block = outline(file.path, symbols.get(file.path), limit).join("\n");
      if (used + separator + block.length <= maxChars) {
        parts.push(block);
        used += separator + block.length;
        placed = true;
        break;
      }
    }
    if (!placed) break;
  }
  return parts.join("\n");
}
