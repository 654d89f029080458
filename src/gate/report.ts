/** The gate report as Markdown for the pull request body and the local report. */
import type { GateReport } from "../core/index.js";
import { render } from "../core/index.js";
import { byRelevance, isBlocking, statusIcon, where } from "./present.js";

const MAX_LISTED = 30;
const MAX_OUTPUT = 3000;

/** Keeps a fence in the output from closing ours. */
const fenceSafe = (text: string) => text.replace(/```/g, "ˋˋˋ");

export async function renderGateReport(report: GateReport): Promise<string> {
  const sorted = [...report.findings].sort(byRelevance);
  const blocking = sorted.filter((f) => isBlocking(f, report.checks));
  // A blocking check without a finding of its own (an unparsed test failure) still needs a line.
  const unexplained = report.checks
    .filter((c) => c.blocking && !blocking.some((f) => f.check === c.name))
    .map((c) => ({ where: "", message: `${c.name}: ${c.summary}` }));
  const blockingItems = [
    ...blocking.map((f) => ({ where: where(f), message: `${f.check}: ${f.message}` })),
    ...unexplained,
  ];
  const preExisting = sorted.filter((f) => f.preExisting);
  const warnings = sorted.filter((f) => !f.preExisting && f.severity === "warning");
  return render("github/gate-report.md", {
    verdict: report.passed ? "passed" : "failed",
    score: report.score,
    checks: report.checks.map((c) => ({
      name: c.name,
      icon: statusIcon[c.status],
      status: c.status,
      blocking: c.blocking,
      seconds: (c.durationMs / 1000).toFixed(1),
      summary: c.summary.replace(/\|/g, "\\|").replace(/\n/g, " "),
    })),
    hasBlocking: blockingItems.length > 0,
    blockingFindings: blockingItems.slice(0, MAX_LISTED),
    moreBlocking: Math.max(0, blockingItems.length - MAX_LISTED),
    hasPreExisting: preExisting.length > 0,
    preExistingCount: preExisting.length,
    preExistingFindings: preExisting
      .slice(0, MAX_LISTED)
      .map((f) => ({ check: f.check, where: where(f), message: f.message })),
    hasWarnings: warnings.length > 0,
    warningCount: warnings.length,
    warnings: warnings
      .slice(0, MAX_LISTED)
      .map((f) => ({ check: f.check, where: where(f), message: f.message })),
    outputs: report.checks
      .filter((c) => c.blocking && c.output)
      .map((c) => ({ name: c.name, output: fenceSafe(c.output!.slice(-MAX_OUTPUT)) })),
  });
}
