/**
 * One issue job, end to end: prepare -> analyze -> plan -> implement ⇄ gate -> publish.
 * Knows which phase failed, always tells the user in the status comment, and always
 * removes the workspace.
 */
import type {
  Checkout,
  CommandRunner,
  GateReport,
  GitHub,
  Job,
  LanguageModel,
  Logger,
  Phase,
  Plan,
  PullRequestRef,
  RunReport,
  Usage,
  Workspace,
} from "../core/index.js";
import { BudgetExceededError, PatchsmithError, inPhase } from "../core/index.js";
import { parseRepoConfig, REPO_CONFIG_PATH, type RepoConfig } from "../config/index.js";
import { analyzeContext } from "../context/index.js";
import { createPlan } from "../plan/index.js";
import { runImplement } from "../implement/index.js";
import {
  changedLinesOf,
  checkRunFor,
  renderGateReport,
  repairInstructions,
  runGate,
} from "../gate/index.js";
import {
  StatusComment,
  branchName,
  formatUsd,
  publishPullRequest,
  pullRequestTitle,
  renderCommitMessage,
  renderPullRequestBody,
  type StatusStep,
} from "../publish/index.js";
import { afterGate } from "./repair-routing.js";
import { issueForModel } from "./issue-input.js";
import { StageTimer } from "./stage-timer.js";

export interface ModelMeter {
  totals(): {
    usage: Usage;
    costUsd: number;
    calls: number;
    byStage?: Record<string, { usage: Usage; costUsd: number; calls: number }>;
  };
}

export interface PipelineDeps {
  github: GitHub;
  workspace: Workspace;
  /** The model for this job, already metered and budgeted (see llm/). */
  model: LanguageModel;
  meter: ModelMeter;
  /** The sandboxed runner for a directory; readOnlyPaths are extra paths it may read. */
  runnerFor: (dir: string, options?: { readOnlyPaths?: string[] }) => CommandRunner;
  bot: { name: string; email: string };
  cacheDir: string;
  logger: Logger;
  /** Called once the repository's configuration is read: its per-stage models and budget. */
  onRepoConfig?: (config: RepoConfig) => void;
}

export interface JobOutcome {
  status: "published" | "failed";
  pullRequest?: PullRequestRef;
  branch?: string;
  plan?: Plan;
  gate?: GateReport;
  report: RunReport;
  error?: PatchsmithError;
}

const STEP_OF_PHASE: Partial<Record<Phase, StatusStep>> = {
  prepare: "analyze",
  config: "analyze",
  analyze: "analyze",
  plan: "plan",
  implement: "implement",
  gate: "gate",
  publish: "publish",
};

export async function runIssueJob(job: Job, deps: PipelineDeps): Promise<JobOutcome> {
  const { github, logger } = deps;
  const log = logger.child({
    job: job.id,
    repo: `${job.repo.owner}/${job.repo.name}`,
    issue: job.number,
  });
  const timer = new StageTimer();
  const report = (): RunReport => {
    const totals = deps.meter.totals();
    return {
      stages: timer.timings,
      usage: totals.usage,
      costUsd: totals.costUsd,
      modelCalls: totals.calls,
      ...(totals.byStage ? { byStage: totals.byStage } : {}),
      repairRounds,
      gateRounds,
    };
  };
  const costView = () => {
    const t = deps.meter.totals();
    return {
      calls: t.calls,
      tokens: t.usage.inputTokens + t.usage.outputTokens,
      usd: formatUsd(t.costUsd),
    };
  };
  // What a run stopped by its budget still did, for the status comment.
  const finishedSteps = () => {
    const done = [...new Set(timer.timings.map((t) => t.stage))];
    if (plan) done.push("plan posted");
    for (const round of gateRounds)
      done.push(`gate round ${round.round + 1} ${round.passed ? "passed" : "failed"}`);
    return done.join(", ");
  };
  let repairRounds = 0;
  const gateRounds: RunReport["gateRounds"] = [];
  const status = new StatusComment(github, job.repo, job.number, {
    jobId: job.id,
    actor: job.trigger.actor,
    mode: job.mode,
    current: "analyze",
    outcome: "running",
  });

  let phase: Phase = "prepare";
  let checkout: Checkout | undefined;
  let plan: Plan | undefined;
  let branch: string | undefined;
  try {
    if (job.kind !== "issue") {
      throw new PatchsmithError(`job kind ${job.kind} is not handled by the issue pipeline`, {
        userMessage: "This kind of run is not supported yet.",
      });
    }
    await status.update({ current: "analyze" });
    const issue = issueForModel(await github.getIssue(job.repo, job.number), job.trigger.at);
    const base = await github.getDefaultBranch(job.repo);
    const token = await github.getRepositoryToken(job.repo);
    const branchForIssue = branchName(issue);
    branch = branchForIssue;
    const work = await timer.time("prepare", () =>
      deps.workspace.prepare({
        repo: job.repo,
        baseRef: base,
        branch: branchForIssue,
        ...(token ? { token } : {}),
      }),
    );
    checkout = work;

    phase = "config";
    const config = await readRepoConfig(work);
    deps.onRepoConfig?.(config);

    phase = "analyze";
    const context = await timer.time("analyze", () =>
      analyzeContext({
        dir: work.dir,
        sha: work.baseSha,
        issue: {
          title: issue.title,
          body: [issue.body, ...issue.comments.map((c) => c.body)].join("\n\n"),
        },
        budgetTokens: config.context.budgetTokens,
        exclude: config.context.exclude,
        cacheDir: deps.cacheDir,
        logger: log,
      }),
    );
    await status.update({
      current: "plan",
      details: { analyze: `${context.files.length} files in context, ${context.tokens} tokens` },
    });

    phase = "plan";
    const thePlan = await timer.time("plan", () =>
      createPlan({
        model: deps.model,
        issue,
        context,
        mode: job.mode,
        ...(job.instructions ? { instructions: job.instructions } : {}),
        logger: log,
      }),
    );
    plan = thePlan;
    await status.update({ current: "implement", plan: thePlan, cost: costView() });

    phase = "implement";
    const implementInput = {
      model: deps.model,
      checkout: work,
      issue,
      plan: thePlan,
      context,
      mode: job.mode,
      ...(job.instructions ? { instructions: job.instructions } : {}),
      maxTurns: config.implement.maxTurns,
      logger: log,
      protectedPaths: [".github/workflows/**", ...config.policy.protectedPaths],
    };
    await timer.time("implement", () => runImplement(implementInput));
    if ((await work.changedFiles()).length === 0) {
      throw new PatchsmithError("the model made no change", {
        userMessage:
          "The model finished without changing any file. Add detail to the issue (which files, what behaviour you expect), or give instructions after the command, e.g. `/generate add a test for the empty input case`.",
      });
    }

    let gate: GateReport;
    for (;;) {
      phase = "gate";
      const changedByModel = new Set(await work.changedFiles());
      await status.update({
        current: "gate",
        cost: costView(),
        details: repairRounds > 0 ? { gate: `repair round ${repairRounds}` } : {},
      });
      gate = await timer.time("gate", () =>
        runGate({
          dir: work.dir,
          baseSha: work.baseSha,
          profile: context.profile,
          settings: { gate: config.gate, policy: config.policy, commands: config.commands },
          runnerFor: deps.runnerFor,
          cacheDir: deps.cacheDir,
          logger: log,
        }),
      );
      // Installing and running the repository's tools can leave files behind (a new
      // lockfile, build output that is not ignored): only the model's changes, and the
      // formatter's fixes to them, belong in the pull request.
      const leftovers = (await work.changedFiles()).filter((file) => !changedByModel.has(file));
      if (leftovers.length > 0) {
        log.info({ files: leftovers }, "discarding files the gate's commands changed");
        await work.discardChanges(leftovers);
      }
      gateRounds.push({
        round: repairRounds,
        passed: gate.passed,
        score: gate.score,
        blocking: gate.checks.filter((c) => c.blocking).map((c) => c.name),
      });
      const next = afterGate({
        passed: gate.passed,
        repairsDone: repairRounds,
        maxRepairRounds: config.gate.repairRounds,
      });
      if (next !== "repair") break;
      repairRounds++;
      phase = "implement";
      await status.update({
        current: "implement",
        details: { implement: `repair round ${repairRounds} of ${config.gate.repairRounds}` },
      });
      await timer.time("implement", () =>
        runImplement({ ...implementInput, stage: "repair", feedback: repairInstructions(gate) }),
      );
    }

    phase = "publish";
    await status.update({ current: "publish", cost: costView() });
    const draft = !gate.passed;
    const files = await work.changedFiles();
    const title = pullRequestTitle(issue, job.mode);
    const body = await renderPullRequestBody({
      issueNumber: issue.number,
      actor: job.trigger.actor,
      jobId: job.id,
      plan: thePlan,
      files,
      gateReport: await renderGateReport(gate),
      draft,
      report: report(),
    });
    const commitMessage = await renderCommitMessage({
      title,
      summary: thePlan.summary,
      issueNumber: issue.number,
      jobId: job.id,
    });
    const published = await timer.time("publish", () =>
      publishPullRequest({
        github,
        repo: job.repo,
        checkout: work,
        base,
        title,
        body,
        draft,
        commitMessage,
        author: deps.bot,
      }),
    );
    await github
      .createCheckRun(
        job.repo,
        checkRunFor(gate, published.headSha, await changedLinesOf(work.dir, work.baseSha)),
      )
      .catch((error: unknown) => {
        log.warn({ err: String(error) }, "could not create the check run");
      });
    await status.update({
      current: "publish",
      outcome: "succeeded",
      pullRequest: { url: published.pullRequest.url, draft },
      cost: costView(),
    });
    log.info({ pr: published.pullRequest.number, draft, cost: report().costUsd }, "job published");
    return {
      status: "published",
      pullRequest: published.pullRequest,
      branch,
      plan: thePlan,
      gate,
      report: report(),
    };
  } catch (caught) {
    const error = inPhase(phase, caught);
    log.error({ phase: error.phase, err: error.message }, "job failed");
    await status
      .update({
        current: STEP_OF_PHASE[error.phase ?? phase] ?? "analyze",
        outcome: "failed",
        failure: {
          phase: error.phase ?? phase,
          message: error.userMessage,
          hint: retryHint(error, finishedSteps()),
        },
        cost: costView(),
      })
      .catch((statusError: unknown) =>
        log.error({ err: String(statusError) }, "could not update the status comment"),
      );
    return {
      status: "failed",
      ...(branch ? { branch } : {}),
      ...(plan ? { plan } : {}),
      report: report(),
      error,
    };
  } finally {
    await checkout?.dispose().catch(() => undefined);
  }
}

async function readRepoConfig(checkout: Checkout): Promise<RepoConfig> {
  const text = (await checkout.exists(REPO_CONFIG_PATH))
    ? await checkout.readFile(REPO_CONFIG_PATH)
    : undefined;
  return parseRepoConfig(text);
}

function retryHint(error: PatchsmithError, finished: string): string | undefined {
  if (error instanceof BudgetExceededError)
    return `Finished before stopping: ${finished || "nothing"}. Nothing was published: the change was not complete and checked within the budget.`;
  if (error.phase === "config")
    return `Fix ${REPO_CONFIG_PATH} as described above, then comment \`/generate\` again.`;
  if (error.isRetryable) return "This looks temporary. Comment `/generate` to try again.";
  return undefined;
}
