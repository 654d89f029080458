/** Shared wording for findings in the report, the repair prompt and the check run. */
import type { CheckResult, Finding } from "../core/index.js";

export const statusIcon: Record<CheckResult["status"], string> = {
  pass: "✅",
  fail: "❌",
  skipped: "⏭️",
  error: "⚠️",
};

export function where(finding: Finding): string {
  if (!finding.file) return "";
  return finding.line === undefined
    ? `\`${finding.file}\`: `
    : `\`${finding.file}:${finding.line}\`: `;
}

/** Order in which a model should fix things: what is quick and absolute first, the slow loop last. */
export const checkPriority = [
  "secrets",
  "policy",
  "install",
  "typecheck",
  "tests",
  "lint",
  "format",
];

export function byRelevance(a: Finding, b: Finding): number {
  const rank = (f: Finding) =>
    (checkPriority.indexOf(f.check) + checkPriority.length + 1) % (checkPriority.length + 1);
  return (
    Number(a.preExisting) - Number(b.preExisting) ||
    (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) ||
    rank(a) - rank(b)
  );
}

export function isBlocking(finding: Finding, checks: CheckResult[]): boolean {
  return (
    !finding.preExisting &&
    finding.severity === "error" &&
    checks.some((c) => c.name === finding.check && c.blocking)
  );
}
