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
  RepoRef,
  RunReport,
  Usage,
  Workspace,
} from "../core/index.js";
import {
  CancelledError,
  ConfigError,
  PatchsmithError,
  inPhase,
  isSecretPath,
  issueBodyDigest,
  secretValuesIn,
  setTemplateOverrides,
  withTemplateScope,
  type Redactor,
} from "../core/index.js";
import {
  loadRepoConfig,
  readOrgConfigText,
  REPO_CONFIG_PATH,
  type RepoConfig,
} from "../config/index.js";
import { analyzeContext } from "../context/index.js";
import { createPlan } from "../plan/index.js";
import { runImplement } from "../implement/index.js";
import { changedLinesOf, checkRunFor, renderGateReport } from "../gate/index.js";
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
import { runGateLoop, type GateLoopProgress } from "./gate-loop.js";
import { implementInputFor, runReportOf, safeInstructions } from "./job-parts.js";
import { commentsBefore, issueForModel } from "./issue-input.js";
import { StageTimer } from "./stage-timer.js";
import { acknowledge, failureHint, stepDurations } from "./job-feedback.js";
import { readTemplateOverrides } from "./template-overrides.js";

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
  /** This app's slug: its own check runs are not CI failures to repair. */
  appSlug?: string;
  /** Called once the repository's configuration is read: its per-stage models and budget. */
  onRepoConfig?: (config: RepoConfig) => void;
  /**
   * Learns the values of the repository's secret files (so they are redacted from whatever
   * leaves), and is asked whether the change carries one before it is committed.
   */
  redactor?: Redactor;
  /** Aborted by `/cancel`: checked between steps and passed to the gate's commands. */
  signal?: AbortSignal;
}

export interface JobOutcome {
  /** "skipped": nothing to do (no feedback from a writer, an old CI head, a cap reached). */
  /** "waiting": the plan is posted and waits for `/approve`. */
  status: "published" | "failed" | "skipped" | "waiting" | "cancelled";
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

export function runIssueJob(job: Job, deps: PipelineDeps): Promise<JobOutcome> {
  // One template scope per job: the repository's overrides and the versions it used.
  return withTemplateScope(() => runIssueJobInScope(job, deps));
}

async function runIssueJobInScope(job: Job, deps: PipelineDeps): Promise<JobOutcome> {
  const { github, logger } = deps;
  const log = logger.child({
    job: job.id,
    repo: `${job.repo.owner}/${job.repo.name}`,
    issue: job.number,
  });
  const timer = new StageTimer();
  const progress: GateLoopProgress = { repairRounds: 0, gateRounds: [] };
  const report = (): RunReport => runReportOf(timer, deps.meter, progress);
  const costView = () => {
    const t = deps.meter.totals();
    return {
      calls: t.calls,
      tokens: t.usage.inputTokens + t.usage.outputTokens,
      usd: formatUsd(t.costUsd),
      totals: t,
    };
  };
  const status = new StatusComment(
    github,
    job.repo,
    job.number,
    {
      jobId: job.id,
      actor: job.trigger.actor,
      mode: job.mode,
      current: "analyze",
      outcome: "running",
      ...(job.instructions ? { instructions: job.instructions } : {}),
    },
    () => stepDurations(timer.timings),
    job.statusCommentId,
  );
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
    const approvedPlan = await approvedPlanFor(job, github);
    if (approvedPlan) {
      await status.update({
        plan: approvedPlan.plan,
        approvedBy: approvedPlan.approvedBy,
        ...(approvedPlan.baseSha ? { baseSha: approvedPlan.baseSha } : {}),
      });
    }
    await status.update({ current: "analyze" });
    const rawIssue = await github.getIssue(job.repo, job.number);
    const approved = job.trigger.approvedBodySha256;
    if (approved && issueBodyDigest(rawIssue.body) !== approved) {
      throw new PatchsmithError("the issue body changed after the approval", {
        userMessage:
          "This issue was edited after a maintainer approved it, so patchsmith did not work on it. A maintainer should read it again, then remove and re-add the approval label (or comment `/generate`).",
      });
    }
    const issue = issueForModel(rawIssue, job.trigger.at, {
      writers: await writersAmong(github, job, commentsBefore(rawIssue.comments, job.trigger.at)),
    });
    const base = await github.getDefaultBranch(job.repo);
    // Least privilege per step: cloning needs read access only; the push mints its own token.
    const token = await github.getRepositoryToken(job.repo, { contents: "read" });
    const branchForIssue = branchName(issue);
    branch = branchForIssue;
    const work = await timer.time("prepare", () =>
      deps.workspace.prepare({
        repo: job.repo,
        // An approved plan was made against this commit; implementing it on a newer one could miss.
        baseRef: approvedPlan?.baseSha ?? base,
        branch: branchForIssue,
        ...(token ? { token } : {}),
      }),
    );
    checkout = work;

    phase = "config";
    const config = await readRepoConfig(work, github, job.repo);
    deps.onRepoConfig?.(config);
    setTemplateOverrides(await readTemplateOverrides(work, log));
    if (deps.redactor) await learnRepositorySecrets(work, deps.redactor);
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
      approvedPlan?.plan ??
      (await timer.time("plan", () =>
        createPlan({
          model: deps.model,
          issue,
          context,
          mode: job.mode,
          ...(job.instructions ? { instructions: safeInstructions(job.instructions) } : {}),
          logger: log,
          ...(deps.signal ? { signal: deps.signal } : {}),
        }),
      ));
    plan = thePlan;
    if (!approvedPlan && (config.planApproval || job.command === "plan")) {
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
    const implementInput = implementInputFor({
      deps,
      job,
      work,
      issue,
      plan: thePlan,
      context,
      config,
      log,
    });
    await timer.time("implement", () => runImplement(implementInput));
    if ((await work.changedFiles()).length === 0) {
      throw new PatchsmithError("the model made no change", {
        userMessage:
          "The model finished without changing any file. Add detail to the issue (which files, what behaviour you expect), or give instructions after the command, e.g. `/generate add a test for the empty input case`.",
      });
    }

    const gate = await runGateLoop({
      mode: job.mode,
      ...(job.instructions ? { instructions: safeInstructions(job.instructions) } : {}),
      work,
      profile: context.profile,
      config,
      deps,
      log,
      timer,
      progress,
      setPhase: (next) => {
        phase = next;
      },
      onStep: async (step, rounds) => {
        if (step === "gate") {
          await status.update({
            current: "gate",
            cost: costView(),
            details: rounds > 0 ? { gate: `repair round ${rounds}` } : {},
          });
        } else {
          await status.update({
            current: "implement",
            details: { implement: `repair round ${rounds} of ${config.gate.repairRounds}` },
          });
        }
      },
      repair: async (feedback) => {
        await runImplement({ ...implementInput, stage: "repair", feedback });
      },
    });

    phase = "publish";
    stopIfCancelled();
    await status.update({ current: "publish", cost: costView() });
    const draft = !gate.passed;
    const files = await work.changedFiles();
    if (deps.redactor?.contains(await work.diff())) {
      throw new PatchsmithError("the change carries a credential", {
        userMessage:
          "The change contains a value from one of the repository's secret files (or something shaped like a credential), so it was not committed. Look at what the tests print or write, then comment `/generate` again.",
      });
    }
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
    const pushToken = await github.getRepositoryToken(job.repo, { contents: "write" });
    const published = await timer.time("publish", () =>
      publishPullRequest({
        github,
        repo: job.repo,
        checkout: work,
        base,
        title,
        body,
        draft: draft || config.pullRequest.draft === "always",
        commitMessage,
        author: deps.bot,
        ...(pushToken ? { pushToken } : {}),
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
      branch: published.pullRequest.head,
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
          hint: failureHint(error),
          ...(error instanceof ConfigError ? { problems: error.problems } : {}),
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

/**
 * Comment authors with write access (the trigger's actor has it: the receiver checked). Only
 * their comments reach the model; anyone can comment on a public issue.
 */
async function writersAmong(
  github: GitHub,
  job: Job,
  comments: { author: string; isBot?: boolean }[],
): Promise<Set<string>> {
  const writers = new Set([job.trigger.actor.toLowerCase()]);
  const authors = new Set(comments.filter((c) => !c.isBot).map((c) => c.author.toLowerCase()));
  for (const author of authors) {
    if (writers.has(author)) continue;
    if (await checkWriteAccess(github, job, author)) writers.add(author);
  }
  return writers;
}

async function checkWriteAccess(github: GitHub, job: Job, user: string): Promise<boolean> {
  const permission = await github.getPermission(job.repo, user);
  return permission === "write" || permission === "maintain" || permission === "admin";
}

/** Registers the values of .env files, keys and token-bearing configs in the checkout. */
async function learnRepositorySecrets(checkout: Checkout, redactor: Redactor): Promise<void> {
  for (const file of await checkout.listFiles()) {
    if (!isSecretPath(file)) continue;
    const content = await checkout.readFile(file).catch(() => undefined);
    if (content !== undefined && !content.includes("\0"))
      redactor.add(secretValuesIn(file, content));
  }
}

/** The checkout's own file over the organization's defaults (see config/org-config.ts). */
export async function readRepoConfig(
  checkout: Checkout,
  github?: GitHub,
  repo?: RepoRef,
): Promise<RepoConfig> {
  const text = (await checkout.exists(REPO_CONFIG_PATH))
    ? await checkout.readFile(REPO_CONFIG_PATH)
    : undefined;
  const organization =
    github?.readFile && repo
      ? await readOrgConfigText(github.readFile.bind(github), repo)
      : undefined;
  return loadRepoConfig({
    repo: { text, source: REPO_CONFIG_PATH },
    ...(organization ? { organization } : {}),
  });
}
