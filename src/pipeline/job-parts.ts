/** Pieces the issue and the feedback pipelines build the same way. */
import type { Checkout, ContextPack, Issue, Job, Logger, Plan, RunReport } from "../core/index.js";
import { templatesUsed } from "../core/index.js";
import type { RepoConfig } from "../config/index.js";
import type { ImplementInput } from "../implement/index.js";
import type { GateLoopProgress } from "./gate-loop.js";
import { sanitizeUserText } from "../core/index.js";
import type { ModelMeter, PipelineDeps } from "./run-issue-job.js";
import type { StageTimer } from "./stage-timer.js";

/** The maintainer's words after /generate are theirs, but may quote hidden text. */
export function safeInstructions(text: string): string {
  return sanitizeUserText(text, 4_000);
}

export function runReportOf(
  timer: StageTimer,
  meter: ModelMeter,
  progress: GateLoopProgress,
): RunReport {
  const totals = meter.totals();
  return {
    stages: timer.timings,
    usage: totals.usage,
    costUsd: totals.costUsd,
    modelCalls: totals.calls,
    ...(totals.byStage ? { byStage: totals.byStage } : {}),
    repairRounds: progress.repairRounds,
    gateRounds: progress.gateRounds,
    templates: templatesUsed(),
  };
}

export function implementInputFor(input: {
  deps: Pick<PipelineDeps, "model" | "signal">;
  job: Job;
  work: Checkout;
  issue: Issue;
  plan: Plan;
  context: ContextPack;
  config: RepoConfig;
  log: Logger;
}): ImplementInput {
  const { job, config } = input;
  return {
    model: input.deps.model,
    checkout: input.work,
    issue: input.issue,
    plan: input.plan,
    context: input.context,
    mode: job.mode,
    ...(job.instructions ? { instructions: safeInstructions(job.instructions) } : {}),
    maxTurns: config.implement.maxTurns,
    logger: input.log,
    protectedPaths: [".github/workflows/**", ...config.policy.protectedPaths],
    ...(input.deps.signal ? { signal: input.deps.signal } : {}),
  };
}
