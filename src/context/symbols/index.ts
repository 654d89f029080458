/** Definitions and imports of one file: tree-sitter where a grammar is bundled, regexes elsewhere. */
import { SOURCE_LANGUAGES } from "../languages.js";
import { fallbackSymbols } from "./fallback.js";
import { grammarFor, parserFor, type GrammarName } from "./grammars.js";
import type { Collector, FileSymbols, SourceFile, Walker } from "./types.js";
import { walkGo } from "./walk-go.js";
import { walkJavaScript } from "./walk-javascript.js";
import { walkJava } from "./walk-java.js";
import { walkPython } from "./walk-python.js";
import { walkRust } from "./walk-rust.js";

export type { FileSymbols, SourceFile, SymbolDef } from "./types.js";
export { createSymbolPool, MIN_FILES_FOR_WORKERS, type SymbolPool } from "./pool.js";

const WALKERS: Record<GrammarName, Walker> = {
  typescript: walkJavaScript,
  tsx: walkJavaScript,
  javascript: walkJavaScript,
  python: walkPython,
  go: walkGo,
  rust: walkRust,
  java: walkJava,
};

/** Parsing gives up after this long on one file (pathological input), and the regexes take over. */
const PARSE_TIMEOUT_MS = 2_000;

const empty = (): FileSymbols => ({ definitions: [], imports: [] });

async function treeSitterSymbols(
  grammar: GrammarName,
  content: string,
): Promise<FileSymbols | undefined> {
  let parser;
  try {
    parser = await parserFor(grammar);
  } catch {
    return undefined;
  }
  const deadline = performance.now() + PARSE_TIMEOUT_MS;
  const tree = parser.parse(content, null, {
    progressCallback: () => performance.now() > deadline,
  });
  if (!tree) {
    parser.reset();
    return undefined;
  }
  try {
    const out: Collector = { definitions: [], imports: new Set() };
    WALKERS[grammar](tree.rootNode, out, content);
    // A file the grammar could not read at all (wrong dialect, templated source) yields nothing useful.
    if (out.definitions.length === 0 && tree.rootNode.hasError) return undefined;
    return { definitions: out.definitions, imports: [...out.imports] };
  } finally {
    tree.delete();
  }
}

const SCRIPT_BLOCK = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;

/** Vue and Svelte components: the symbols of their <script> blocks, at the component's line numbers. */
async function componentSymbols(content: string): Promise<FileSymbols> {
  const definitions: FileSymbols["definitions"] = [];
  const imports = new Set<string>();
  for (const match of content.matchAll(SCRIPT_BLOCK)) {
    const attributes = match[1] ?? "";
    const script = match[2] ?? "";
    const offset = content.slice(0, match.index + match[0].indexOf(">") + 1).split("\n").length - 1;
    const typescript = /\blang\s*=\s*["']?ts/.test(attributes);
    const found = await extractSymbols({
      path: typescript ? "component.ts" : "component.js",
      language: typescript ? "typescript" : "javascript",
      content: script,
    });
    for (const def of found.definitions) definitions.push({ ...def, line: def.line + offset });
    for (const specifier of found.imports) imports.add(specifier);
  }
  return { definitions, imports: [...imports] };
}

export async function extractSymbols(file: SourceFile): Promise<FileSymbols> {
  if (file.language === "vue" || file.language === "svelte") return componentSymbols(file.content);
  const grammar = grammarFor(file.path, file.language);
  if (grammar) {
    const symbols = await treeSitterSymbols(grammar, file.content);
    if (symbols) return symbols;
  }
  if (SOURCE_LANGUAGES.has(file.language) || file.language === "markdown") {
    return fallbackSymbols(file.content, file.language);
  }
  return empty();
}
