/** A 0..100 score for the report: blocking failures cost most, pre-existing ones and warnings a little. */
import type { CheckResult } from "../core/index.js";

const blockingCost: Record<string, number> = {
  tests: 40,
  secrets: 40,
  policy: 35,
  typecheck: 25,
  lint: 15,
  install: 40,
  mode: 40,
};

export function scoreOf(checks: CheckResult[]): number {
  let score = 100;
  for (const check of checks) {
    if (check.blocking) score -= blockingCost[check.name] ?? 20;
    else if (check.status === "fail" || check.status === "error") score -= 3;
    const newWarnings = check.findings.filter(
      (f) => f.severity === "warning" && !f.preExisting,
    ).length;
    score -= Math.min(newWarnings, 5);
  }
  const blocked = checks.some((c) => c.blocking);
  return Math.max(0, Math.min(blocked ? 69 : 100, score));
}
