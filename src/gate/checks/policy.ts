/** Policy: protected paths, size limits, new dependencies and test tampering. Judges the diff alone. */
import { newDependencies } from "../policy/dependencies.js";
import { diffSizeFindings } from "../policy/diff-size.js";
import { npmAuditFindings } from "../policy/npm-audit.js";
import { protectedPathFindings } from "../policy/protected-paths.js";
import { tamperingFindings } from "../policy/tampering.js";
import type { CheckFinding, CheckOutcome, GateCheck } from "../types.js";

export const policyCheck: GateCheck = {
  name: "policy",
  description: "protected paths, change size, new dependencies, test tampering",
  comparesWithBaseline: false,
  scope: "changed-files",
  appliesTo(ctx) {
    return ctx.diff.files.length > 0;
  },
  async run(ctx): Promise<CheckOutcome> {
    const { policy } = ctx.settings;
    const findings: CheckFinding[] = [
      ...protectedPathFindings(ctx.diff, policy.protectedPaths),
      ...diffSizeFindings(ctx.diff, policy),
      ...(await tamperingFindings(ctx.dir, ctx.baseSha, ctx.diff)),
    ];
    const added = await newDependencies(ctx.dir, ctx.baseSha, ctx.diff);
    if (policy.allowNewDependencies) {
      findings.push(...(await npmAuditFindings(ctx, added)));
    } else {
      for (const dependency of added) {
        findings.push({
          file: dependency.file,
          ...(dependency.line === undefined ? {} : { line: dependency.line }),
          message: `adds the dependency ${dependency.name} (${dependency.ecosystem}); new dependencies are not allowed here (policy.allowNewDependencies), so do without it`,
          severity: "error",
        });
      }
    }
    const errors = findings.filter((f) => f.severity === "error");
    if (errors.length === 0) {
      return {
        status: "pass",
        summary: findings.length > 0 ? `${findings.length} note(s)` : "within policy",
        findings,
      };
    }
    return { status: "fail", summary: `${errors.length} policy violation(s)`, findings };
  },
};
