/** The gate's findings, compact and most relevant first, for the model's next repair round. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { GateReport } from "../core/index.js";
import { renderTemplate, templateHeader } from "../core/index.js";
import { byRelevance, isBlocking, where } from "./present.js";

const templatePath = fileURLToPath(
  new URL("../../templates/prompts/gate-repair.md", import.meta.url),
);
let template: string | undefined;

const DEFAULT_MAX_CHARS = 6000;
const OUTPUT_TAIL = 1500;

export function repairInstructions(
  report: GateReport,
  options: { maxChars?: number } = {},
): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  template ??= templateHeader(readFileSync(templatePath, "utf8")).body;
  const lines: string[] = [];
  for (const finding of [...report.findings].sort(byRelevance)) {
    if (!isBlocking(finding, report.checks)) continue;
    lines.push(`- [${finding.check}] ${where(finding)}${finding.message}`);
  }
  for (const check of report.checks) {
    if (!check.blocking) continue;
    const explained = lines.some((l) => l.startsWith(`- [${check.name}]`));
    if (!explained) lines.push(`- [${check.name}] ${check.summary}`);
    // Test and type-check output carries the assertion diff or the stack the model needs.
    if ((check.name === "tests" || !explained) && check.output) {
      lines.push(`  Output of ${check.name} (end):\n${indent(check.output.slice(-OUTPUT_TAIL))}`);
    }
  }
  const preExisting = report.findings.filter((f) => f.preExisting).length;
  if (preExisting > 0)
    lines.push(`(${preExisting} finding(s) already present at the base commit are not listed.)`);
  const frame = renderTemplate(template, { findings: "" }).trim();
  const budget = Math.max(0, maxChars - frame.length - 2);
  const marker = "- … more findings omitted";
  let body = "";
  for (const [index, line] of lines.entries()) {
    const last = index === lines.length - 1;
    // Room for the marker is kept unless this is the last line.
    if (body.length + line.length + 1 > budget - (last ? 0 : marker.length + 1)) {
      body += `${marker}\n`;
      break;
    }
    body += `${line}\n`;
  }
  return renderTemplate(template, { findings: body.trimEnd() }).trim().slice(0, maxChars);
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}
