/**
 * What the bot needs to continue a pull request lives in a hidden marker in its body:
 * `<!-- patchsmith:pr {json} -->`. Any worker, after any restart, reads it back from GitHub.
 * The JSON is escaped so that no `-->` or `<` inside it can end the comment early.
 */
import { z } from "zod";
import type { Plan } from "../core/index.js";

export const PR_STATE_MARKER = "<!-- patchsmith:pr";

const planSchema = z.object({
  summary: z.string(),
  steps: z.array(z.string()),
  files: z.array(z.string()),
  testStrategy: z.string(),
  risks: z.array(z.string()),
});

const stateSchema = z.object({
  issue: z.number().int().positive(),
  job: z.string().optional(),
  plan: planSchema.optional(),
  /** Feedback rounds done on this pull request. */
  rounds: z.number().int().min(0).default(0),
  /** Model cost of every job on this pull request, in US dollars. */
  costUsd: z.number().min(0).default(0),
  ciRepairs: z.number().int().min(0).default(0),
  /** Set once the "cap reached" note was posted, so it is posted only once. */
  capNoted: z.array(z.enum(["feedback", "ci"])).default([]),
});

export type PullRequestState = z.infer<typeof stateSchema>;

export function initialPullRequestState(input: {
  issue: number;
  job: string;
  plan?: Plan;
  costUsd?: number;
}): PullRequestState {
  return {
    issue: input.issue,
    job: input.job,
    ...(input.plan ? { plan: input.plan } : {}),
    rounds: 0,
    costUsd: input.costUsd ?? 0,
    ciRepairs: 0,
    capNoted: [],
  };
}

export function renderPullRequestState(state: PullRequestState): string {
  const json = JSON.stringify(state)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/-/g, "\\u002d");
  return `${PR_STATE_MARKER} ${json} -->`;
}

const MARKER_PATTERN = /<!-- patchsmith:pr (\{.*?\}) -->/s;

/** The state in a pull request body, or undefined when there is none or it is not valid. */
export function parsePullRequestState(body: string | undefined): PullRequestState | undefined {
  const match = MARKER_PATTERN.exec(body ?? "");
  if (!match) return undefined;
  try {
    const parsed = stateSchema.safeParse(JSON.parse(match[1]!));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The body with its marker replaced (or appended): people's edits to the rest stay. */
export function withPullRequestState(body: string, state: PullRequestState): string {
  const marker = renderPullRequestState(state);
  if (MARKER_PATTERN.test(body)) return body.replace(MARKER_PATTERN, () => marker);
  return `${body.trimEnd()}\n${marker}\n`;
}
