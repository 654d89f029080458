/** How a finished job answers the person who started it: a reaction and what to do next. */
import type { GitHub, Job, Logger, Reaction, StageTiming } from "../core/index.js";
import {
  BudgetExceededError,
  CancelledError,
  ConfigError,
  DailyBudgetExceededError,
  type PatchsmithError,
} from "../core/index.js";
import { REPO_CONFIG_PATH } from "../config/index.js";
import type { StatusStep } from "../publish/index.js";

const STEP_OF_STAGE: Record<string, StatusStep> = {
  prepare: "analyze",
  analyze: "analyze",
  plan: "plan",
  implement: "implement",
  gate: "gate",
  publish: "publish",
};

/** The stage timer's totals as the status checklist's steps (cloning counts as analyzing). */
export function stepDurations(timings: StageTiming[]): Partial<Record<StatusStep, number>> {
  const out: Partial<Record<StatusStep, number>> = {};
  for (const t of timings) {
    const step = STEP_OF_STAGE[t.stage];
    if (step) out[step] = (out[step] ?? 0) + t.ms;
  }
  return out;
}

/** 🚀 on the trigger (the command's comment, or the issue for a label) when done, 😕 when not. */
export async function acknowledge(
  github: GitHub,
  job: Job,
  reaction: Extract<Reaction, "rocket" | "confused">,
  log: Logger,
): Promise<void> {
  if (job.trigger.kind === "local") return;
  const target =
    job.trigger.commentId !== undefined
      ? { commentId: job.trigger.commentId }
      : { issueNumber: job.number };
  await github.addReaction(job.repo, target, reaction).catch((error: unknown) => {
    log.warn({ err: String(error), reaction }, "could not add the reaction");
  });
}

/** What the user can do about a failure, said in the status comment under "What to do". */
export function failureHint(error: PatchsmithError): string | undefined {
  if (error instanceof ConfigError || error.phase === "config")
    return `Fix ${REPO_CONFIG_PATH} (or the organization's defaults in its \`.github\` repository) as listed above, then comment \`/retry\`.`;
  if (error instanceof DailyBudgetExceededError)
    return "Nothing was published: the change was not finished and checked within today's budget. Comment `/retry` after 00:00 UTC, or once the budget named above is raised.";
  if (error instanceof BudgetExceededError)
    return "Nothing was published: the change was not finished and checked within the budget. Raise the budget (`budget.jobUsd` or `budget.jobTokens` in .github/patchsmith.yml, within the installation's PATCHSMITH_MAX_COST_USD and PATCHSMITH_MAX_TOKENS), or narrow the issue, then comment `/retry`.";
  if (error instanceof CancelledError) return "Comment `/generate` to start a new run.";
  if (error.isRetryable) return "This looks temporary. Comment `/retry` to try again.";
  return "Comment `/retry` to try again, or `/generate` with instructions (e.g. `/generate only change src/parser.ts`) to steer the next run.";
}
