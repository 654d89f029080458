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
import { CancelledError, PatchsmithError, inPhase } from "../core/index.js";
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
  readRunState,
  STATUS_MARKER,
  pullRequestTitle,
  renderCommitMessage,
  renderPullRequestBody,
  type StatusStep,
} from "../publish/index.js";
import { afterGate } from "./repair-routing.js";
import { issueForModel } from "./issue-input.js";
import { StageTimer } from "./stage-timer.js";

export interface ModelMeter {
  totals(): { usage: Usage; costUsd: number; calls: number };
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
  /** Aborted by `/cancel`: checked between steps and passed to the gate's commands. */
  signal?: AbortSignal;
}

export interface JobOutcome {
  /** "waiting": the plan is posted and waits for `/approve`. */
  status: "published" | "failed" | "waiting" | "cancelled";
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
  let repairRounds = 0;
  const gateRounds: RunReport["gateRounds"] = [];
  const status = new StatusComment(github, job.repo, job.number, {
    jobId: job.id,
    actor: job.trigger.actor,
    mode: job.mode,
    current: "analyze",
    outcome: "running",
    ...(job.instructions ? { instructions: job.instructions } : {}),
  });
  const stopIfCancelled = () => {
    if (deps.signal?.aborted) throw new CancelledError();
  };

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
    stopIfCancelled();
    const approved = await approvedPlanFor(job, github);
    if (approved) {
      await status.update({
        plan: approved.plan,
        approvedBy: approved.approvedBy,
        ...(approved.baseSha ? { baseSha: approved.baseSha } : {}),
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
        // An approved plan was made against this commit; implementing it on a newer one could miss.
        baseRef: approved?.baseSha ?? base,
        branch: branchForIssue,
        ...(token ? { token } : {}),
      }),
    );
    checkout = work;

    phase = "config";
    const config = await readRepoConfig(work);
    if (!config.trigger.modes.includes(job.mode)) {
      throw new PatchsmithError(`mode ${job.mode} is not allowed here`, {
        phase: "config",
        userMessage: `This repository allows the modes ${config.trigger.modes.map((m) => `\`${m}\``).join(", ")} (trigger.modes in ${REPO_CONFIG_PATH}); \`${job.mode}\` is not one of them.`,
      });
    }
    stopIfCancelled();

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
    stopIfCancelled();
    const thePlan =
      approved?.plan ??
      (await timer.time("plan", () =>
        createPlan({
          model: deps.model,
          issue,
          context,
          mode: job.mode,
          ...(job.instructions ? { instructions: job.instructions } : {}),
          logger: log,
        }),
      ));
    plan = thePlan;
    if (!approved && (config.planApproval || job.command === "plan")) {
      await status.update({
        current: "plan",
        outcome: "waiting",
        plan: thePlan,
        baseSha: work.baseSha,
        cost: costView(),
      });
      log.info("plan posted; waiting for /approve");
      await acknowledge(github, job, "rocket", log);
      return { status: "waiting", branch, plan: thePlan, report: report() };
    }
    stopIfCancelled();
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
      ...(deps.signal ? { signal: deps.signal } : {}),
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
      stopIfCancelled();
      gate = await timer.time("gate", () =>
        runGate({
          mode: job.mode,
          ...(job.instructions ? { instructions: job.instructions } : {}),
          ...(deps.signal ? { signal: deps.signal } : {}),
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
      stopIfCancelled();
      if (next !== "repair") break;
      repairRounds++;
      phase = "implement";
      await status.update({
        current: "implement",
        details: { implement: `repair round ${repairRounds} of ${config.gate.repairRounds}` },
      });
      await timer.time("implement", () =>
        runImplement({ ...implementInput, feedback: repairInstructions(gate) }),
      );
    }

    phase = "publish";
    stopIfCancelled();
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
        ...(deps.signal ? { signal: deps.signal } : {}),
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
    await acknowledge(github, job, "rocket", log);
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
    if (error instanceof CancelledError || deps.signal?.aborted) {
      log.info({ phase }, "job cancelled");
      await status
        .update({
          current: STEP_OF_PHASE[phase] ?? "analyze",
          outcome: "cancelled",
          cost: costView(),
        })
        .catch((statusError: unknown) =>
          log.error({ err: String(statusError) }, "could not update the status comment"),
        );
      return {
        status: "cancelled",
        ...(branch ? { branch } : {}),
        ...(plan ? { plan } : {}),
        report: report(),
        error: error instanceof CancelledError ? error : new CancelledError(),
      };
    }
    log.error({ phase: error.phase, err: error.message }, "job failed");
    await status
      .update({
        current: STEP_OF_PHASE[error.phase ?? phase] ?? "analyze",
        outcome: "failed",
        failure: {
          phase: error.phase ?? phase,
          message: error.userMessage,
          hint: retryHint(error),
        },
        cost: costView(),
      })
      .catch((statusError: unknown) =>
        log.error({ err: String(statusError) }, "could not update the status comment"),
      );
    await acknowledge(github, job, "confused", log);
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

/**
 * `/approve` (and `/retry` of a run whose plan was approved) continue from the plan the
 * receiver froze in the status comment's marker, without planning again.
 */
async function approvedPlanFor(
  job: Job,
  github: GitHub,
): Promise<{ plan: Plan; approvedBy: string; baseSha?: string } | undefined> {
  if (job.command !== "approve" && job.command !== "retry") return undefined;
  const comment = await github.findComment(job.repo, job.number, STATUS_MARKER);
  const state = comment ? readRunState(comment.body) : undefined;
  if (state?.plan && state.approvedBy) {
    return {
      plan: state.plan,
      approvedBy: state.approvedBy,
      ...(state.baseSha ? { baseSha: state.baseSha } : {}),
    };
  }
  if (job.command === "retry") return undefined;
  throw new PatchsmithError("no approved plan in the status comment", {
    phase: "approve",
    userMessage:
      "The status comment holds no approved plan to continue from. Comment `/plan` to make one, or `/generate` to start over.",
  });
}

/** A command's 👀 becomes 🚀 when it is done, 😕 when it failed; labels get no second reaction. */
async function acknowledge(
  github: GitHub,
  job: Job,
  reaction: "rocket" | "confused",
  log: Logger,
): Promise<void> {
  if (job.trigger.commentId === undefined) return;
  await github
    .addReaction(job.repo, { commentId: job.trigger.commentId }, reaction)
    .catch((error: unknown) => log.warn({ err: String(error) }, "could not react to the command"));
}

async function readRepoConfig(checkout: Checkout): Promise<RepoConfig> {
  const text = (await checkout.exists(REPO_CONFIG_PATH))
    ? await checkout.readFile(REPO_CONFIG_PATH)
    : undefined;
  return parseRepoConfig(text);
}

function retryHint(error: PatchsmithError): string | undefined {
  if (error.phase === "config")
    return `Fix ${REPO_CONFIG_PATH} as described above, then comment \`/generate\` again.`;
  if (error.isRetryable) return "This looks temporary. Comment `/generate` to try again.";
  return undefined;
}
