/** Paths a change may never touch: CI workflows and patchsmith's own config always, plus configured globs. */
import picomatch from "picomatch";
import type { DiffInfo } from "../diff.js";
import type { CheckFinding } from "../types.js";

export const ALWAYS_PROTECTED = [".github/workflows/**", ".github/patchsmith.yml"];

export function protectedPathFindings(diff: DiffInfo, configured: string[]): CheckFinding[] {
  const globs = [...ALWAYS_PROTECTED, ...configured];
  const isProtected = picomatch(globs, { dot: true });
  const findings: CheckFinding[] = [];
  for (const change of diff.files) {
    const touched = [change.path, ...(change.oldPath ? [change.oldPath] : [])].find((p) =>
      isProtected(p),
    );
    if (touched === undefined) continue;
    findings.push({
      file: touched,
      message: `${touched} is a protected path (${globs.find((g) => picomatch.isMatch(touched, g, { dot: true }))}); revert this change`,
      severity: "error",
    });
  }
  return findings;
}
