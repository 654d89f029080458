/**
 * Secrets: secretlint's recommended rules over the changed files, reporting only what sits on an
 * added line. It runs in-process because it is patchsmith's own code reading files, not running them.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { lintSource } from "@secretlint/core";
import { creator as recommended } from "@secretlint/secretlint-rule-preset-recommend";
import type { CheckFinding, CheckOutcome, GateCheck } from "../types.js";

const MAX_BYTES = 2 * 1024 * 1024;

const config = {
  rules: [
    {
      id: "@secretlint/secretlint-rule-preset-recommend",
      rule: recommended,
      // Access key IDs alone are off by default upstream; a committed key ID is reason enough to stop.
      rules: [{ id: "@secretlint/secretlint-rule-aws", options: { enableIDScanRule: true } }],
    },
  ],
};

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
      const result = await lintSource({
        source: { filePath: file, content, contentType: "text" },
        options: { config, maskSecrets: true },
      });
      for (const message of result.messages) {
        const line = message.loc.start.line;
        if (!added.has(line)) continue;
        findings.push({
          file: change.path,
          line,
          message: `${message.message} (${message.ruleId})`,
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
