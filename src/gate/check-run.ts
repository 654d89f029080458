/** The gate report as a GitHub check run, annotating findings on the lines the change touched. */
import type { CheckRunAnnotation, CheckRunInput, GateReport } from "../core/index.js";
import { diffAgainst } from "./diff.js";
import { byRelevance, isBlocking } from "./present.js";

/** GitHub accepts at most 50 annotations per request. */
const MAX_ANNOTATIONS = 50;
const SUMMARY_MAX = 60_000;

export type ChangedLines = Map<string, Set<number>> | Record<string, number[]>;

function lineFilter(
  changedLines: ChangedLines | undefined,
): (file: string, line: number) => boolean {
  if (!changedLines) return () => true;
  if (changedLines instanceof Map)
    return (file, line) => changedLines.get(file)?.has(line) ?? false;
  return (file, line) => changedLines[file]?.includes(line) ?? false;
}

export function checkRunFor(
  report: GateReport,
  headSha: string,
  changedLines?: ChangedLines,
): CheckRunInput {
  const onChangedLine = lineFilter(changedLines);
  const annotations: CheckRunAnnotation[] = [];
  for (const finding of [...report.findings].sort(byRelevance)) {
    if (annotations.length >= MAX_ANNOTATIONS) break;
    if (!finding.file || finding.line === undefined || finding.preExisting) continue;
    if (!onChangedLine(finding.file, finding.line)) continue;
    annotations.push({
      path: finding.file,
      startLine: finding.line,
      endLine: finding.line,
      level: isBlocking(finding, report.checks) ? "failure" : "warning",
      message: finding.message,
      title: `patchsmith ${finding.check}`,
    });
  }
  const rows = report.checks.map(
    (c) =>
      `| ${c.name} | ${c.status}${c.blocking ? " (blocking)" : ""} | ${c.summary.replace(/\|/g, "\\|")} |`,
  );
  const summary = [
    `Score ${report.score}/100.`,
    "",
    "| Check | Result | Notes |",
    "| --- | --- | --- |",
    ...rows,
  ].join("\n");
  const blocking = report.checks.filter((c) => c.blocking).map((c) => c.name);
  return {
    name: "patchsmith / quality gate",
    headSha,
    conclusion: report.passed ? "success" : "failure",
    title: report.passed
      ? `Quality gate passed (score ${report.score})`
      : `Quality gate blocked: ${blocking.join(", ")}`,
    summary: summary.slice(0, SUMMARY_MAX),
    annotations,
  };
}

/** The lines `dir` adds or changes against `baseSha`, per file: what checkRunFor annotates. */
export async function changedLinesOf(
  dir: string,
  baseSha: string,
): Promise<Map<string, Set<number>>> {
  const diff = await diffAgainst(dir, baseSha);
  return new Map(diff.files.map((f) => [f.path, diff.changedLines(f.path)]));
}
