/**
 * Names a file defines and modules it imports, found with line-anchored patterns. This is the
 * ranking's cheap view of symbols: it must cover every file of a 30,000-file repository in a few
 * seconds, and a missed definition only costs a little recall, so precision of a parser is not needed.
 */

const DEFINITION_PATTERNS: RegExp[] = [
  // Python, Ruby, Elixir, Scala, Kotlin, Swift, Go, Rust, PHP, JS/TS declarations.
  /^[ \t]*(?:export\s+)?(?:default\s+)?(?:pub(?:\([\w:]+\))?\s+)?(?:async\s+)?(?:unsafe\s+)?(?:declare\s+)?(?:abstract\s+)?(?:def|class|function\*?|func|fn|struct|interface|trait|enum|type|module|object|protocol|impl|macro_rules!)\s+(?:\([^)]*\)\s*)?([A-Za-z_$][\w$]*)/gm,
  // const/let/var bindings at any indentation (JS/TS exports, arrow functions).
  /^[ \t]*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*[=:]/gm,
  // Python module constants and aliases at top level: `FOO = ...`, `foo_bar = ...`.
  /^([A-Za-z_][\w]*)\s*(?::\s*[\w[\], .]+)?=(?!=)/gm,
  // Class members: `  foo(a, b) {`, `  async foo() {`, `  get foo() {` (JS/TS/Java/C#).
  /^[ \t]+(?:(?:public|private|protected|static|readonly|async|override|get|set|final|synchronized)\s+)*(?:[\w<>[\],.?]+\s+)?([A-Za-z_$][\w$]*)\s*\([^)\n]*\)?\s*(?::[^{\n]*)?\{\s*$/gm,
];

const NOT_NAMES = new Set([
  "if",
  "for",
  "while",
  "switch",
  "catch",
  "return",
  "function",
  "new",
  "else",
  "do",
  "try",
]);

export function extractDefinitions(content: string): string[] {
  const names = new Set<string>();
  for (const pattern of DEFINITION_PATTERNS) {
    for (const match of content.matchAll(pattern)) {
      const name = match[1];
      if (name && !NOT_NAMES.has(name)) names.add(name);
    }
  }
  return [...names];
}

const IMPORT_PATTERNS: RegExp[] = [
  // Python: `from a.b import c, d` (also relative `from ..x import y`).
  /^[ \t]*from\s+(\.*[\w.]*)\s+import\s+\(?([\w, \t*]+)/gm,
  // Python: `import a.b, c as d`.
  /^[ \t]*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)\s*$/gm,
  // JS/TS: import/export ... from '...', import '...', require('...'), import('...').
  /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"'\n]+)["']/g,
  // Go/Rust/Java: `import "x/y"`, `use a::b`, `import a.b.C;`.
  /^[ \t]*(?:use|import)\s+(?:static\s+)?([\w.:/]+)\s*;/gm,
];

/** Module specifiers as written: `a.b`, `a.b.c` (from-imports), `./x`, `@scope/pkg`, `..mod`. */
export function extractImports(content: string): string[] {
  const specs = new Set<string>();
  const [pyFrom, pyImport, jsLike, other] = IMPORT_PATTERNS as [RegExp, RegExp, RegExp, RegExp];
  for (const match of content.matchAll(pyFrom)) {
    const base = match[1] ?? "";
    specs.add(base);
    for (const name of (match[2] ?? "").split(",")) {
      const imported = name.trim().split(/\s+/)[0];
      if (imported && imported !== "*")
        specs.add(base.endsWith(".") ? base + imported : `${base}.${imported}`);
    }
  }
  for (const match of content.matchAll(pyImport)) {
    for (const part of (match[1] ?? "").split(",")) {
      const name = part.trim().split(/\s+/)[0];
      if (name) specs.add(name);
    }
  }
  for (const match of content.matchAll(jsLike)) if (match[1]) specs.add(match[1]);
  for (const match of content.matchAll(other))
    if (match[1]) specs.add(match[1].replace(/::/g, "."));
  return [...specs];
}
