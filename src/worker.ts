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
  JobContext,
  JobHandler,
  LanguageModel,
  Logger,
  Redactor,
  Metrics,
  SpendLedger,
  Workspace,
} from "./core/index.js";
import { createRedactor, emptyUsage } from "./core/index.js";
import { withLogRedaction, withModelRedaction, withOutboundRedaction } from "./security/index.js";
import {
  CircuitBreaker,
  createAnthropicModel,
  createFallbackModel,
  createMeteredModel,
  createOpenAICompatibleModel,
  createPriceTable,
  createRecordingModel,
  createStageModels,
  parseProviderList,
} from "./llm/index.js";
import {
  recordJobMetrics,
  runFeedbackJob,
  runIssueJob,
  runUndoJob,
  type JobOutcome,
} from "./pipeline/index.js";
import { createGitWorkspace, createSandboxRunner } from "./workspace/index.js";
import { createDailyBudget, openSpendLedgerLazily } from "./ledger/index.js";
import { createRedisSpendLedger } from "./queue/index.js";

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
  /** Daily spend per repository and installation; default: the ledger in the data directory. */
  spendLedger?: SpendLedger;
}

export function workDirOf(env: Env): string {
  return env.PATCHSMITH_WORK_DIR ?? path.join(os.tmpdir(), "patchsmith");
}

/** Durable state (the embedded queue's database): PATCHSMITH_DATA_DIR or <work dir>/data. */
export function dataDirOf(env: Env): string {
  return env.PATCHSMITH_DATA_DIR ?? path.join(workDirOf(env), "data");
}

/**
 * The worker's spend ledger: with REDIS_URL in Redis, so daily budgets hold across machines
 * and not only across this machine's processes; otherwise spend.sqlite in the data directory.
 */
export function spendLedgerFor(env: Env, logger: Logger): SpendLedger {
  return openSpendLedgerLazily({
    dataDir: dataDirOf(env),
    redisUrl: env.REDIS_URL,
    redis: (url) => createRedisSpendLedger({ url, logger }),
    logger,
  });
}

export function createRunnerFactory(env: Env, logger: Logger): (dir: string) => CommandRunner {
  return (dir) => createSandboxRunner({ root: dir, mode: env.SANDBOX, logger });
}

/**
 * The process-wide model: the configured provider, then the PATCHSMITH_FALLBACK chain, each
 * with its own circuit breaker, shared by every job so an outage is noticed once.
 */
export function createBaseModel(env: Env, logger: Logger): LanguageModel {
  requireWorkerEnv(env, { github: false });
  const stageEnv: Record<string, string | undefined> = {
    plan: env.PATCHSMITH_PLAN_MODEL,
    implement: env.PATCHSMITH_IMPLEMENT_MODEL,
    repair: env.PATCHSMITH_REPAIR_MODEL,
    feedback: env.PATCHSMITH_FEEDBACK_MODEL,
  };
  const modelsByStage = Object.fromEntries(
    Object.entries(stageEnv).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const prices = createPriceTable(env.PATCHSMITH_PRICES ?? {});
  const make = (
    provider: "anthropic" | "openai-compatible",
    model: string,
    byStage?: Record<string, string>,
  ): LanguageModel => {
    const breaker = new CircuitBreaker(`${provider}:${model}`);
    if (provider === "openai-compatible") {
      return createOpenAICompatibleModel({
        baseURL: env.OPENAI_BASE_URL!,
        ...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}),
        model,
        ...(byStage ? { modelsByStage: byStage } : {}),
        prices,
        breaker,
        logger,
      });
    }
    return createAnthropicModel({
      apiKey: env.ANTHROPIC_API_KEY!,
      ...(env.ANTHROPIC_BASE_URL ? { baseURL: env.ANTHROPIC_BASE_URL } : {}),
      model,
      ...(byStage ? { modelsByStage: byStage } : {}),
      prices,
      breaker,
      logger,
    });
  };
  const fallbacks = parseProviderList(env.PATCHSMITH_FALLBACK);
  return createFallbackModel(
    [
      make(env.PATCHSMITH_PROVIDER, env.PATCHSMITH_MODEL, modelsByStage),
      ...fallbacks.map((f) => make(f.provider, f.model)),
    ],
    { logger },
  );
}

export function createJobHandler(
  deps: WorkerDeps,
): JobHandler & { run(job: Job, context?: Partial<JobContext>): Promise<JobOutcome> } {
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
  const spendLedger = deps.spendLedger ?? spendLedgerFor(env, logger);

  async function run(job: Job, context: Partial<JobContext> = {}): Promise<JobOutcome> {
    const signal = context.signal ? { signal: context.signal } : {};
    const bot = { name: env.PATCHSMITH_BOT_NAME, email: env.PATCHSMITH_BOT_EMAIL };
    if (job.command === "undo") {
      const github = withOutboundRedaction(await deps.githubFor(job), redactor);
      const undone = await runUndoJob(job, { github, workspace, bot, logger, ...signal });
      const outcome: JobOutcome = {
        status: undone.status === "reverted" ? "published" : "failed",
        report: {
          stages: [],
          usage: emptyUsage(),
          costUsd: 0,
          modelCalls: 0,
          repairRounds: 0,
          gateRounds: [],
        },
      };
      deps.onOutcome?.(job, outcome);
      return outcome;
    }
    baseModel ??= createBaseModel(env, logger);
    // Recording sits inside the redaction, so the cassette holds exactly what was sent.
    const recorded = env.PATCHSMITH_RECORD
      ? createRecordingModel(baseModel, { dir: env.PATCHSMITH_RECORD, job, redactor, logger })
      : baseModel;
    const staged = createStageModels(withModelRedaction(recorded, redactor));
    const daily = createDailyBudget({
      ledger: spendLedger,
      repository: `${job.repo.owner}/${job.repo.name}`,
      installation: job.installationId?.toString(),
      repositoryUsd: env.PATCHSMITH_DAILY_USD_PER_REPO,
      installationUsd: env.PATCHSMITH_DAILY_USD_PER_INSTALLATION,
      logger,
    });
    const metered = createMeteredModel(
      staged.model,
      {
        maxCostUsd: env.PATCHSMITH_MAX_COST_USD,
        ...(env.PATCHSMITH_MAX_TOKENS ? { maxTokens: env.PATCHSMITH_MAX_TOKENS } : {}),
      },
      { guard: daily.guard, onSpend: daily.onSpend },
    );
    // Review feedback and failing CI on the bot's pull request run the same feedback pipeline.
    const pipeline = job.kind === "issue" ? runIssueJob : runFeedbackJob;
    const outcome = await pipeline(job, {
      github: withOutboundRedaction(await deps.githubFor(job), redactor),
      redactor,
      workspace,
      model: metered.model,
      meter: metered,
      runnerFor,
      bot,
      cacheDir: path.join(workDir, "cache"),
      logger,
      appSlug: env.PATCHSMITH_BOT_NAME.replace(/\[bot\]$/i, ""),
      onRepoConfig: (config) => {
        staged.setModels(config.models);
        metered.tighten({
          ...(config.budget.jobUsd !== undefined ? { maxCostUsd: config.budget.jobUsd } : {}),
          ...(config.budget.jobTokens !== undefined ? { maxTokens: config.budget.jobTokens } : {}),
          source: "`budget` in .github/patchsmith.yml",
        });
        if (config.budget.dailyUsd !== undefined)
          daily.tighten(config.budget.dailyUsd, "`budget.dailyUsd` in .github/patchsmith.yml");
      },
      ...signal,
    });
    if (deps.metrics) recordJobMetrics(deps.metrics, job, outcome);
    deps.onOutcome?.(job, outcome);
    return outcome;
  }

  const handler = async (job: Job, context: JobContext) => {
    const outcome = await run(job, context);
    // The pipeline reports failures in the status comment and returns; a retryable one is
    // thrown on so that a durable queue runs the job again (with backoff, a bounded number
    // of times). User errors are not retried.
    if (outcome.status === "failed" && outcome.error?.isRetryable) throw outcome.error;
  };
  return Object.assign(handler, { run });
}
