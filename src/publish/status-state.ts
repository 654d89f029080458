/**
 * What a later job needs to continue a run, kept in the status comment's hidden marker:
 * `/approve` continues from the plan, `/retry` runs the same mode and instructions again,
 * `/plan` keeps the mode. Any worker, after any restart, reads it back from GitHub.
 */
import type { Mode, Plan } from "../core/index.js";
import { MODES } from "../core/index.js";

export type StatusOutcome = "running" | "succeeded" | "failed" | "cancelled" | "waiting";

export interface RunState {
  job: string;
  step: string;
  outcome: StatusOutcome;
  mode?: Mode;
  instructions?: string;
  /** The plan a continuation starts from (the approved one once `approvedBy` is set). */
  plan?: Plan;
  /** The commit the plan was made against; an approved run starts from it. */
  baseSha?: string;
  /** Who approved the plan with `/approve`. */
  approvedBy?: string;
}

const MARKER = /<!-- patchsmith:status (.*?) -->/s;
const OUTCOMES: readonly StatusOutcome[] = [
  "running",
  "succeeded",
  "failed",
  "cancelled",
  "waiting",
];

/**
 * JSON for inside an HTML comment: `--` could end the comment early (`-->`), so every dash
 * followed by another is written as a JSON escape. Nothing outside JSON strings has a dash pair.
 */
export function markerJsonOf(state: RunState): string {
  return JSON.stringify(state).replace(/-(?=-)/g, "\\u002d");
}

function isPlan(value: unknown): value is Plan {
  if (!value || typeof value !== "object") return false;
  const p = value as Record<string, unknown>;
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
  return (
    typeof p.summary === "string" &&
    strings(p.steps) &&
    strings(p.files) &&
    typeof p.testStrategy === "string" &&
    strings(p.risks)
  );
}

/** The state in a status comment's body, or undefined when it has none (or an older marker). */
export function readRunState(body: string): RunState | undefined {
  const json = MARKER.exec(body)?.[1];
  if (!json) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== "object") return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.job !== "string" || typeof r.step !== "string") return undefined;
  const outcome = OUTCOMES.find((o) => o === r.outcome);
  if (!outcome) return undefined;
  const state: RunState = { job: r.job, step: r.step, outcome };
  const mode = MODES.find((m) => m === r.mode);
  if (mode) state.mode = mode;
  if (typeof r.instructions === "string" && r.instructions) state.instructions = r.instructions;
  if (isPlan(r.plan)) state.plan = r.plan;
  if (typeof r.baseSha === "string" && /^[0-9a-f]{7,64}$/.test(r.baseSha))
    state.baseSha = r.baseSha;
  if (typeof r.approvedBy === "string" && r.approvedBy) state.approvedBy = r.approvedBy;
  return state;
}
