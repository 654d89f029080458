/**
 * The plan as it stands in the status comment, between two hidden markers, read back after a
 * maintainer edited it: `/approve` continues with the edited plan. The shape is the one
 * templates/github/status.md writes: a summary paragraph, numbered steps, `**Files:**`,
 * `**Test strategy:**` and an optional `**Risks:**` list.
 */
import type { Plan } from "../core/index.js";
import { sanitizeUserText } from "../core/index.js";

export const PLAN_START = "<!-- patchsmith:plan -->";
export const PLAN_END = "<!-- /patchsmith:plan -->";

export type PlanReading = { plan: Plan } | { problem: string };

type Section = "summary" | "steps" | "files" | "testStrategy" | "risks";

const HEADINGS: { pattern: RegExp; section: Section }[] = [
  { pattern: /^\*\*files:?\*\*:?\s*/i, section: "files" },
  { pattern: /^\*\*test strategy:?\*\*:?\s*/i, section: "testStrategy" },
  { pattern: /^\*\*risks:?\*\*:?\s*/i, section: "risks" },
];

function filesOf(text: string): string[] {
  const quoted = [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.trim());
  const items = quoted.length > 0 ? quoted : text.split(/[,\s]+/);
  return items.map((f) => f.replace(/^[-*]\s*/, "").trim()).filter(Boolean);
}

export function readPlanFromComment(body: string): PlanReading {
  const start = body.indexOf(PLAN_START);
  const end = body.indexOf(PLAN_END, start + 1);
  if (start < 0 || end < 0) {
    return {
      problem: `the plan's markers (\`${PLAN_START}\` and \`${PLAN_END}\`) are missing from the status comment, so the plan cannot be found`,
    };
  }
  const region = body
    .slice(start + PLAN_START.length, end)
    .replace(/<\/?details[^>]*>/gi, "")
    .replace(/<summary>.*?<\/summary>/gis, "");

  const summary: string[] = [];
  const steps: string[] = [];
  const files: string[] = [];
  const testStrategy: string[] = [];
  const risks: string[] = [];
  let section: Section = "summary";
  for (const raw of region.replace(/\r\n?/g, "\n").split("\n")) {
    let line = raw.trim();
    const heading = HEADINGS.find((h) => h.pattern.test(line));
    if (heading) {
      section = heading.section;
      line = line.replace(heading.pattern, "");
      if (!line) continue;
    }
    const step = /^\d+[.)]\s+(.*)$/.exec(line);
    if (step && (section === "summary" || section === "steps")) {
      section = "steps";
      steps.push(step[1]!.trim());
      continue;
    }
    if (!line) continue;
    if (section === "summary") summary.push(line);
    else if (section === "steps") steps[steps.length - 1] += ` ${line}`;
    else if (section === "files") files.push(...filesOf(line));
    else if (section === "testStrategy") testStrategy.push(line);
    else {
      const item = /^[-*]\s+(.*)$/.exec(line);
      if (item) risks.push(item[1]!.trim());
      else if (risks.length > 0) risks[risks.length - 1] += ` ${line}`;
      else risks.push(line);
    }
  }
  const missing = [
    summary.length === 0 ? "a summary paragraph" : undefined,
    steps.length === 0 ? "at least one numbered step (`1. ...`)" : undefined,
  ].filter(Boolean);
  if (missing.length > 0) {
    return { problem: `the plan in the status comment has no ${missing.join(" and no ")}` };
  }
  // A person edited this text: it reaches the model, so hidden content goes as for issues.
  const clean = (text: string, max = 4_000) => sanitizeUserText(text, max).trim();
  return {
    plan: {
      summary: clean(summary.join(" ")),
      steps: steps.map((s) => clean(s)).filter(Boolean),
      files: files.map((f) => clean(f, 500)).filter(Boolean),
      testStrategy: clean(testStrategy.join(" ")),
      risks: risks.map((r) => clean(r)).filter(Boolean),
    },
  };
}
