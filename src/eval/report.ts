/** The eval report as a table for a terminal. */
import type { EvalReport } from "./run-eval.js";

export function renderEvalTable(report: EvalReport): string {
  const rows = report.instances.map((r) => [
    r.id,
    r.status,
    `$${r.costUsd.toFixed(4)}`,
    String(r.tokens),
    `${r.seconds.toFixed(1)} s`,
    r.reason ?? "",
  ]);
  const header = ["instance", "result", "cost", "tokens", "time", "why"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const t = report.totals;
  return [
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    `resolved ${t.resolved}/${t.instances} (${Math.round(t.resolvedRate * 100)}%), failed ${t.failed}, cost $${t.costUsd.toFixed(4)}, ${t.seconds} s`,
    "",
  ].join("\n");
}
