/**
 * The whole pipeline on a local repository, as `patchsmith run` and `patchsmith eval`
 * both use it: a local GitHub adapter (the issue from a file, the "pull request" a branch
 * plus its body), the git workspace cloning from the directory, the same job handler.
 */
import os from "node:os";
import path from "node:path";
import type { Env } from "./config/index.js";
import { toolEnv } from "./config/index.js";
import type { Issue, Job, LanguageModel, Logger, Mode, PullRequestRef } from "./core/index.js";
import { createLocalGitHub } from "./github/index.js";
import type { JobOutcome } from "./pipeline/index.js";
import { createGitWorkspace } from "./workspace/index.js";
import { openSpendLedgerLazily } from "./ledger/index.js";
import { createJobHandler, createRunnerFactory, dataDirOf, workDirOf } from "./worker.js";

export interface LocalRunInput {
  dir: string;
  issue: Issue;
  base: string;
  mode: Mode;
  instructions?: string;
  env: Env;
  /** The environment git may inherit (PATH, HOME, ...). */
  processEnv?: Record<string, string | undefined>;
  logger: Logger;
  model?: LanguageModel;
  progress?: (line: string) => void;
}

export async function runLocalPipeline(
  input: LocalRunInput,
): Promise<{ outcome: JobOutcome; pullRequest?: PullRequestRef }> {
  const { dir, env, logger } = input;
  const github = createLocalGitHub({
    issue: input.issue,
    defaultBranch: input.base,
    progress: input.progress ?? (() => {}),
  });
  const runnerFor = createRunnerFactory(env, logger);
  const workspace = createGitWorkspace({
    workDir: workDirOf(env),
    gitBaseUrl: dir,
    remoteUrlFor: () => dir,
    runnerFor,
    env: input.processEnv ? toolEnv(input.processEnv) : toolEnv(),
    logger,
  });
  // The same ledger as the worker's: a local run counts toward (and is held to) the daily
  // budget of `local/<directory name>` (PATCHSMITH_DAILY_USD_PER_REPO, budget.dailyUsd).
  const spendLedger = openSpendLedgerLazily({ dataDir: dataDirOf(env), logger });
  const handler = createJobHandler({
    env,
    logger,
    githubFor: async () => github,
    workspace,
    spendLedger,
    ...(input.model ? { model: input.model } : {}),
  });
  const job: Job = {
    id: `local-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
    kind: "issue",
    repo: { owner: "local", name: path.basename(dir) },
    number: input.issue.number,
    trigger: {
      deliveryId: "local",
      actor: os.userInfo().username,
      kind: "local",
      at: new Date().toISOString(),
    },
    mode: input.mode,
    ...(input.instructions ? { instructions: input.instructions } : {}),
  };
  const outcome = await handler.run(job).finally(() => spendLedger.close());
  const pullRequest = github.pullRequests[0];
  return { outcome, ...(pullRequest ? { pullRequest } : {}) };
}
