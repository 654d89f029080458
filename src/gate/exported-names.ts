/**
 * A cheap view of a file's public surface: the names it exports, by a line-based reading per
 * language. Enough to notice that a refactor removed or renamed something public; it does not
 * compare parameter lists.
 */
const RULES: { extensions: RegExp; patterns: RegExp[] }[] = [
  {
    extensions: /\.(m|c)?(j|t)sx?$/,
    patterns: [
      /^export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\*?|class|const|let|var|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/,
    ],
  },
  {
    extensions: /\.py$/,
    patterns: [/^(?:async\s+)?def\s+([A-Za-z]\w*)/, /^class\s+([A-Za-z]\w*)/],
  },
  {
    extensions: /\.go$/,
    patterns: [/^func\s+(?:\([^)]*\)\s*)?([A-Z]\w*)/, /^(?:type|var|const)\s+([A-Z]\w*)/],
  },
  {
    extensions: /\.rs$/,
    patterns: [/^\s*pub\s+(?:async\s+)?(?:fn|struct|enum|trait|type|const|static|mod)\s+(\w+)/],
  },
  {
    extensions: /\.(java|kt|cs)$/,
    patterns: [/^\s*public\s+(?:[\w<>[\],?]+\s+)*?(\w+)\s*(?:\(|\{|extends|implements|$|<)/],
  },
];

export function supportsExportedNames(file: string): boolean {
  return RULES.some((r) => r.extensions.test(file));
}

export function exportedNames(file: string, content: string): Set<string> {
  const rule = RULES.find((r) => r.extensions.test(file));
  const names = new Set<string>();
  if (!rule) return names;
  for (const line of content.split("\n")) {
    for (const pattern of rule.patterns) {
      const name = pattern.exec(line)?.[1];
      if (name) names.add(name);
    }
    // `export { a, b as c }` and `export { x } from "./y"`
    const list = /^export\s+(?:type\s+)?\{([^}]*)\}/.exec(line);
    if (list && rule.extensions.test("x.ts")) {
      for (const part of list[1]!.split(",")) {
        const name = part
          .trim()
          .split(/\s+as\s+/)
          .pop()
          ?.trim();
        if (name) names.add(name);
      }
    }
    if (/^export\s+default\b/.test(line) && rule.extensions.test("x.ts")) names.add("default");
  }
  return names;
}
