/**
 * `npm audit` for newly added npm dependencies. It needs the registry, so it runs with network
 * through the sandbox and says so plainly when the registry is out of reach.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { runTool } from "../run-command.js";
import type { CheckContext, CheckFinding } from "../types.js";
import type { NewDependency } from "./dependencies.js";

interface AuditReport {
  vulnerabilities?: Record<string, { severity?: string; via?: unknown[] }>;
}

export async function npmAuditFindings(
  ctx: CheckContext,
  added: NewDependency[],
): Promise<CheckFinding[]> {
  const npm = added.filter((d) => d.ecosystem === "npm");
  if (npm.length === 0) return [];
  const names = npm.map((d) => d.name).join(", ");
  if (!ctx.settings.gate.installNetwork) {
    return [
      {
        message: `npm audit not run for ${names}: the network is off for this repository`,
        severity: "warning",
      },
    ];
  }
  if (!existsSync(path.join(ctx.dir, "package-lock.json"))) {
    return [
      {
        message: `npm audit not run for ${names}: there is no package-lock.json`,
        severity: "warning",
      },
    ];
  }
  const result = await runTool(ctx, ["npm", "audit", "--json", "--package-lock-only"], {
    network: true,
  });
  let report: AuditReport;
  try {
    report = JSON.parse(result.output.slice(result.output.indexOf("{"))) as AuditReport;
  } catch {
    return [
      {
        message: `npm audit not run for ${names}: the registry could not be reached`,
        severity: "warning",
      },
    ];
  }
  const findings: CheckFinding[] = [];
  for (const dependency of npm) {
    const vulnerability = report.vulnerabilities?.[dependency.name];
    if (!vulnerability) continue;
    const serious = vulnerability.severity === "high" || vulnerability.severity === "critical";
    findings.push({
      file: dependency.file,
      ...(dependency.line === undefined ? {} : { line: dependency.line }),
      message: `the new dependency ${dependency.name} has a ${vulnerability.severity ?? "known"} vulnerability (npm audit)`,
      severity: serious ? "error" : "warning",
    });
  }
  return findings;
}
