/**
 * Secrets: secretlint's recommended rules over the changed files, reporting only what sits on an
 * added line. It runs in-process because it is patchsmith's own code reading files, not running them.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { secretlintFindings } from "../../core/index.js";
import type { CheckFinding, CheckOutcome, GateCheck } from "../types.js";

const MAX_BYTES = 2 * 1024 * 1024;

export const secretsCheck: GateCheck = {
  name: "secrets",
  description: "nothing that looks like a credential on an added line (secretlint)",
  comparesWithBaseline: false,
  scope: "changed-files",
  appliesTo(ctx) {
    return ctx.diff.files.some((f) => f.status !== "deleted" && f.added.length > 0);
  },
  async run(ctx): Promise<CheckOutcome> {
    const findings: CheckFinding[] = [];
    let scanned = 0;
    for (const change of ctx.diff.files) {
      if (change.status === "deleted" || change.added.length === 0) continue;
      const file = path.join(ctx.dir, change.path);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile() || info.size > MAX_BYTES) continue;
      const content = await readFile(file, "utf8");
      if (content.includes("\0")) continue;
      scanned++;
      const added = ctx.diff.changedLines(change.path);
      for (const finding of await secretlintFindings(content, change.path)) {
        if (!added.has(finding.line)) continue;
        findings.push({
          file: change.path,
          line: finding.line,
          message: `${finding.message} (${finding.ruleId})`,
          severity: "error",
        });
      }
    }
    if (findings.length === 0)
      return {
        status: "pass",
        summary: `no credentials found in ${scanned} changed file(s)`,
        findings,
      };
    return { status: "fail", summary: `${findings.length} possible credential(s) added`, findings };
  },
};
