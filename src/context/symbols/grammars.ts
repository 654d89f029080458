/**
 * Tree-sitter grammars from @vscode/tree-sitter-wasm, each loaded on first use and kept for the
 * life of the process (loading one costs 10-50 ms; parsing with it afterwards costs little).
 */
import { createRequire } from "node:module";
import path from "node:path";
import { Language, Parser } from "web-tree-sitter";

export type GrammarName = "typescript" | "tsx" | "javascript" | "python" | "go" | "rust" | "java";

const require = createRequire(import.meta.url);
let wasmDir: string | undefined;
let runtime: Promise<void> | undefined;
const parsers = new Map<GrammarName, Promise<Parser>>();

function grammarPath(name: GrammarName): string {
  wasmDir ??= path.join(
    path.dirname(require.resolve("@vscode/tree-sitter-wasm/package.json")),
    "wasm",
  );
  return path.join(wasmDir, `tree-sitter-${name}.wasm`);
}

async function load(name: GrammarName): Promise<Parser> {
  runtime ??= Parser.init();
  await runtime;
  const parser = new Parser();
  parser.setLanguage(await Language.load(grammarPath(name)));
  return parser;
}

/** The parser for a grammar; a failed load is not cached, so a later call can try again. */
export function parserFor(name: GrammarName): Promise<Parser> {
  let parser = parsers.get(name);
  if (!parser) {
    parser = load(name);
    parsers.set(name, parser);
    parser.catch(() => parsers.delete(name));
  }
  return parser;
}

export function grammarFor(filePath: string, language: string): GrammarName | undefined {
  switch (language) {
    case "typescript":
      return filePath.toLowerCase().endsWith(".tsx") ? "tsx" : "typescript";
    case "javascript":
    case "python":
    case "go":
    case "rust":
    case "java":
      return language;
    default:
      return undefined;
  }
}
