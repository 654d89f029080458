/** Tells findings the change introduced from those already present at the base commit. */
import type { Finding } from "../core/index.js";
import type { CheckFinding, CheckOutcome } from "./types.js";

/** Line numbers move when code is edited above a finding, so identity is file + message. */
export function findingKey(finding: CheckFinding): string {
  const message = finding.message
    .replace(/\b(?:line|ln) \d+/gi, "")
    .replace(/[(:]\d+[,:]\d+\)?/g, "");
  return `${finding.file ?? ""}\u0000${message}`;
}

export interface Comparison {
  findings: Finding[];
  blocking: boolean;
}

function failed(outcome: CheckOutcome): boolean {
  return outcome.status === "fail" || outcome.status === "error";
}

/**
 * `base` is the same check at the base commit, or undefined when the check does not compare
 * (then every finding is new). A failure without findings is new unless the base failed too.
 */
export function compareWithBaseline(
  check: string,
  head: CheckOutcome,
  base: CheckOutcome | undefined,
): Comparison {
  const remaining = new Map<string, number>();
  for (const finding of base?.findings ?? []) {
    const key = findingKey(finding);
    remaining.set(key, (remaining.get(key) ?? 0) + 1);
  }
  const findings: Finding[] = head.findings.map((finding) => {
    const key = findingKey(finding);
    const left = remaining.get(key) ?? 0;
    if (left > 0) remaining.set(key, left - 1);
    return { check, ...finding, preExisting: left > 0 };
  });
  if (!failed(head)) return { findings, blocking: false };
  const newErrors = findings.filter((f) => !f.preExisting && f.severity === "error");
  if (newErrors.length > 0) return { findings, blocking: true };
  if (findings.some((f) => f.severity === "error")) return { findings, blocking: false };
  return { findings, blocking: base === undefined || !failed(base) };
}
