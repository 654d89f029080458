/** Turns tool output into findings with file and line, so new failures can be told from old ones. */
import path from "node:path";
import type { CheckFinding } from "./types.js";

function relativeTo(dir: string, file: string): string {
  const relative = path.isAbsolute(file) ? path.relative(dir, file) : path.normalize(file);
  return relative.split(path.sep).join("/");
}

interface EslintFileResult {
  filePath: string;
  messages: {
    line?: number;
    message: string;
    ruleId?: string | null;
    severity: number;
    fatal?: boolean;
  }[];
}

/** `eslint -f json` prints one JSON array on a line of its own; warnings may surround it. */
export function parseEslintJson(output: string, dir: string): CheckFinding[] | undefined {
  const line = output.split("\n").find((l) => l.startsWith("[") && l.trimEnd().endsWith("]"));
  if (line === undefined) return undefined;
  let results: EslintFileResult[];
  try {
    results = JSON.parse(line) as EslintFileResult[];
  } catch {
    return undefined;
  }
  return results.flatMap((result) =>
    result.messages.map((m) => ({
      file: relativeTo(dir, result.filePath),
      ...(m.line === undefined ? {} : { line: m.line }),
      message: m.ruleId ? `${m.message} (${m.ruleId})` : m.message,
      severity: m.severity >= 2 || m.fatal ? ("error" as const) : ("warning" as const),
    })),
  );
}

/** tsc: `src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.` */
export function parseTsc(output: string, dir: string): CheckFinding[] {
  const findings: CheckFinding[] = [];
  for (const match of output.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+): (.+)$/gm)) {
    findings.push({
      file: relativeTo(dir, match[1]!),
      line: Number(match[2]),
      message: `${match[3]}: ${match[4]}`,
      severity: "error",
    });
  }
  return findings;
}

/** `path:line[:col]: message`, the shape of ruff, flake8, pylint --output-format=parseable, mypy, golint. */
export function parseLocated(output: string, dir: string): CheckFinding[] {
  const findings: CheckFinding[] = [];
  for (const match of output.matchAll(/^([^\s:][^:\n]*\.[A-Za-z0-9]+):(\d+)(?::\d+)?:\s*(.+)$/gm)) {
    findings.push({
      file: relativeTo(dir, match[1]!),
      line: Number(match[2]),
      message: match[3]!.trim(),
      severity: "error",
    });
  }
  return findings;
}

/**
 * The names of failing tests in the output of the common runners: pytest, vitest, jest,
 * node --test (TAP and spec), cargo test, go test, mocha.
 */
export function parseTestFailures(output: string): CheckFinding[] {
  const names = new Map<string, string | undefined>();
  const add = (name: string, file?: string) => {
    const clean = name.trim().replace(/\s+\d+(?:\.\d+)?\s*m?s$/, "");
    if (clean && !names.has(clean)) names.set(clean, file);
  };
  for (const m of output.matchAll(/^(?:FAILED|ERROR) (\S+?\.py)(?:::(\S+))?(?: - .*)?$/gm))
    add(`${m[1]}${m[2] ? `::${m[2]}` : ""}`, m[1]);
  for (const m of output.matchAll(/^\s*(?:FAIL|×|✗)\s+(\S+\.[cm]?[jt]sx?)\s+>\s+(.+)$/gm))
    add(`${m[1]} > ${m[2]}`, m[1]);
  for (const m of output.matchAll(/^\s*● (.+ › .+)$/gm)) add(m[1]!);
  for (const m of output.matchAll(/^\s*not ok \d+ - (.+?)(?:\s+#.*)?$/gm)) add(m[1]!);
  for (const m of output.matchAll(/^\s*✖ (.+?)(?: \(\d+(?:\.\d+)?m?s\))?$/gm)) {
    if (!/^failing tests:?$/.test(m[1]!)) add(m[1]!);
  }
  for (const m of output.matchAll(/^test (\S+) \.\.\. FAILED$/gm)) add(m[1]!);
  for (const m of output.matchAll(/^\s*--- FAIL: (\S+)/gm)) add(m[1]!);
  return [...names].map(([name, file]) => ({
    ...(file ? { file } : {}),
    message: `failing test: ${name}`,
    severity: "error" as const,
  }));
}
