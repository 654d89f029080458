/**
 * Composition root of the worker: wires the adapters (model, workspace, sandbox, GitHub)
 * into the pipeline. It holds the credentials; repository code only ever runs in the
 * sandbox, which gets none of them.
 */
import os from "node:os";
import path from "node:path";
import type { Env } from "./config/index.js";
import { requireWorkerEnv, secretValuesOf, toolEnv } from "./config/index.js";
import type {
  CommandRunner,
  GitHub,
  Job,
  JobHandler,
  LanguageModel,
  Logger,
  Redactor,
  Metrics,
  Workspace,
} from "./core/index.js";
import { createRedactor } from "./core/index.js";
import { withLogRedaction, withModelRedaction, withOutboundRedaction } from "./security/index.js";
import {
  createAnthropicModel,
  createMeteredModel,
  createOpenAICompatibleModel,
} from "./llm/index.js";
import {
  recordJobMetrics,
  runFeedbackJob,
  runIssueJob,
  type JobOutcome,
} from "./pipeline/index.js";
import { createGitWorkspace, createSandboxRunner } from "./workspace/index.js";

export interface WorkerDeps {
  env: Env;
  logger: Logger;
  /** The GitHub port for a job (the installation's Octokit in the app, the local adapter in `run`). */
  githubFor: (job: Job) => Promise<GitHub>;
  /** Overrides the Anthropic model (tests, other providers). */
  model?: LanguageModel;
  /** Overrides the git workspace (local mode clones from a directory). */
  workspace?: Workspace;
  /** What leaves (model requests, GitHub text, logs) is scanned by it; default: one per worker. */
  redactor?: Redactor;
  /** Called with each job's outcome. */
  onOutcome?: (job: Job, outcome: JobOutcome) => void;
  /** Counts jobs, stage durations, tokens and cost (the Prometheus adapter serves them). */
  metrics?: Metrics;
}

export function workDirOf(env: Env): string {
  return env.PATCHSMITH_WORK_DIR ?? path.join(os.tmpdir(), "patchsmith");
}

export function createRunnerFactory(env: Env, logger: Logger): (dir: string) => CommandRunner {
  return (dir) => createSandboxRunner({ root: dir, mode: env.SANDBOX, logger });
}

export function createBaseModel(env: Env, logger: Logger): LanguageModel {
  requireWorkerEnv(env, { github: false });
  const modelsByStage = env.PATCHSMITH_PLAN_MODEL ? { plan: env.PATCHSMITH_PLAN_MODEL } : undefined;
  if (env.PATCHSMITH_PROVIDER === "openai-compatible") {
    return createOpenAICompatibleModel({
      baseURL: env.OPENAI_BASE_URL!,
      ...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}),
      model: env.PATCHSMITH_MODEL,
      ...(modelsByStage ? { modelsByStage } : {}),
      logger,
    });
  }
  return createAnthropicModel({
    apiKey: env.ANTHROPIC_API_KEY!,
    ...(env.ANTHROPIC_BASE_URL ? { baseURL: env.ANTHROPIC_BASE_URL } : {}),
    model: env.PATCHSMITH_MODEL,
    ...(modelsByStage ? { modelsByStage } : {}),
    logger,
  });
}

export function createJobHandler(
  deps: WorkerDeps,
): JobHandler & { run(job: Job): Promise<JobOutcome> } {
  const { env } = deps;
  const redactor = deps.redactor ?? createRedactor(secretValuesOf(env));
  const logger = withLogRedaction(deps.logger, redactor);
  const workDir = workDirOf(env);
  const runnerFor = createRunnerFactory(env, logger);
  const workspace =
    deps.workspace ??
    createGitWorkspace({
      workDir,
      gitBaseUrl: env.GIT_BASE_URL,
      runnerFor,
      env: toolEnv(),
      logger,
    });
  let baseModel = deps.model;

  async function run(job: Job): Promise<JobOutcome> {
    baseModel ??= createBaseModel(env, logger);
    const metered = createMeteredModel(withModelRedaction(baseModel, redactor), {
      maxCostUsd: env.PATCHSMITH_MAX_COST_USD,
    });
    // Review feedback and failing CI on the bot's pull request run the same feedback pipeline.
    const pipeline = job.kind === "issue" ? runIssueJob : runFeedbackJob;
    const outcome = await pipeline(job, {
      github: withOutboundRedaction(await deps.githubFor(job), redactor),
      redactor,
      workspace,
      model: metered.model,
      meter: metered,
      runnerFor,
      bot: { name: env.PATCHSMITH_BOT_NAME, email: env.PATCHSMITH_BOT_EMAIL },
      cacheDir: path.join(workDir, "cache"),
      logger,
      appSlug: env.PATCHSMITH_BOT_NAME.replace(/\[bot\]$/i, ""),
    });
    if (deps.metrics) recordJobMetrics(deps.metrics, job, outcome);
    deps.onOutcome?.(job, outcome);
    return outcome;
  }

  const handler = async (job: Job) => {
    await run(job);
  };
  return Object.assign(handler, { run });
}
