/**
 * One round on a patchsmith pull request: review feedback (kind "feedback") or failing CI
 * (kind "ci-repair"). prepare on the PR head (base merged when clean) -> collect feedback ->
 * analyze -> implement ⇄ gate -> commit on top, push fast-forward -> reply and resolve ->
 * update the state marker. Caps come from the repository's config and the marker.
 */
import type { Checkout, GateReport, Job, PullRequestDetails } from "../core/index.js";
import { PatchsmithError, inPhase, sanitizeUserText, type Phase } from "../core/index.js";
import { analyzeContext } from "../context/index.js";
import { runImplement } from "../implement/index.js";
import {
  ciFeedbackText,
  collectFeedback,
  postReplies,
  renderFeedback,
  reportFeedback,
  type FeedbackItem,
} from "../feedback/index.js";
import {
  formatUsd,
  parsePullRequestState,
  renderCommitMessage,
  withPullRequestState,
  type PullRequestState,
} from "../publish/index.js";
import { render } from "../core/index.js";
import { runGateLoop, type GateLoopProgress } from "./gate-loop.js";
import { issueForModel } from "./issue-input.js";
import { implementInputFor, runReportOf } from "./job-parts.js";
import { readRepoConfig, type JobOutcome, type PipelineDeps } from "./run-issue-job.js";
import { StageTimer } from "./stage-timer.js";

export async function runFeedbackJob(job: Job, deps: PipelineDeps): Promise<JobOutcome> {
  const { github } = deps;
  const log = deps.logger.child({
    job: job.id,
    repo: `${job.repo.owner}/${job.repo.name}`,
    pr: job.number,
    kind: job.kind,
  });
  const timer = new StageTimer();
  const progress: GateLoopProgress = { repairRounds: 0, gateRounds: [] };
  const report = () => runReportOf(timer, deps.meter, progress);
  const isCi = job.kind === "ci-repair";
  const note = async (data: Record<string, unknown>) =>
    github.createComment(job.repo, job.number, await render("github/feedback-note.md", data));

  let phase: Phase = "feedback";
  let checkout: Checkout | undefined;
  try {
    if (job.kind !== "feedback" && job.kind !== "ci-repair") {
      throw new PatchsmithError(`job kind ${job.kind} is not handled by the feedback pipeline`);
    }
    const pr = await github.getPullRequest(job.repo, job.number);
    const state = parsePullRequestState(pr.body);
    if (!state) {
      log.info("skipped: the pull request carries no patchsmith state");
      return { status: "skipped", report: report() };
    }
    if (isCi && job.ci?.headSha !== pr.headSha) {
      log.info({ ran: job.ci?.headSha, head: pr.headSha }, "skipped: CI ran on an older head");
      return { status: "skipped", report: report() };
    }

    const items = isCi ? await ciItems(job, pr, deps) : await feedbackItems(job, deps, log);
    if (items.length === 0) {
      log.info("skipped: no feedback from a person with write access");
      return { status: "skipped", report: report() };
    }

    phase = "prepare";
    const token = await github.getRepositoryToken(job.repo);
    const mergeMessage = await renderCommitMessage({
      title: `Merge ${pr.base} into ${pr.head}`,
      summary: "Brings the pull request up to date before working on feedback.",
      issueNumber: state.issue,
      jobId: job.id,
    });
    const work = await timer.time("prepare", () =>
      deps.workspace.prepare({
        repo: job.repo,
        baseRef: pr.base,
        branch: pr.head,
        existingBranch: true,
        mergeBase: { author: deps.bot, message: mergeMessage },
        ...(token ? { token } : {}),
      }),
    );
    checkout = work;

    phase = "config";
    const config = await readRepoConfig(work, github, job.repo);
    deps.onRepoConfig?.(config);
    const cap = capOf(job, state, config);
    if (cap.reached) {
      if (!state.capNoted.includes(cap.name)) {
        await note(
          isCi ? { capCi: true, rounds: cap.done } : { capFeedback: true, rounds: cap.done },
        );
        await saveState(deps, job, pr, { ...state, capNoted: [...state.capNoted, cap.name] });
      }
      log.info({ cap: cap.name, done: cap.done }, "skipped: round cap reached");
      return { status: "skipped", report: report() };
    }

    phase = "analyze";
    const issue = issueForModel(await github.getIssue(job.repo, state.issue), job.trigger.at);
    const feedbackText = isCi ? (items[0]?.body ?? "") : await renderFeedback(items);
    const context = await timer.time("analyze", () =>
      analyzeContext({
        dir: work.dir,
        sha: work.baseSha,
        issue: { title: issue.title, body: [issue.body, feedbackText].join("\n\n") },
        budgetTokens: config.context.budgetTokens,
        exclude: config.context.exclude,
        cacheDir: deps.cacheDir,
        logger: log,
      }),
    );
    const plan = state.plan ?? {
      summary: pr.body.split("\n")[0] ?? "",
      steps: [],
      files: [],
      testStrategy: "",
      risks: [],
    };

    phase = "implement";
    const implementInput = implementInputFor({
      deps,
      job,
      work,
      issue,
      plan,
      context,
      config,
      log,
    });
    await timer.time("implement", () =>
      runImplement({ ...implementInput, stage: "feedback", feedback: feedbackText }),
    );

    let gate: GateReport | undefined;
    if ((await work.changedFiles()).length > 0) {
      gate = await runGateLoop({
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
        repair: async (repair) => {
          await runImplement({
            ...implementInput,
            stage: "repair",
            feedback: `${feedbackText}\n\n${repair}`,
          });
        },
      });
    }
    const gateFailed =
      gate && !gate.passed
        ? gate.checks
            .filter((c) => c.blocking)
            .map((c) => c.name)
            .join(", ")
        : undefined;

    phase = "feedback";
    const diff = await work.diff();
    const verdicts = await reportFeedback({
      model: deps.model,
      items,
      diff,
      ...(gateFailed ? { gateFailed } : {}),
      logger: log,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });

    phase = "publish";
    const round = isCi ? state.ciRepairs + 1 : state.rounds + 1;
    const commitMessage = await renderCommitMessage({
      title: isCi
        ? `Repair failing CI (round ${round})`
        : `Address review feedback (round ${round})`,
      summary: verdicts.summary || "Changes asked for on the pull request.",
      issueNumber: state.issue,
      jobId: job.id,
    });
    await work.commit(commitMessage, deps.bot);
    const headSha = await work.headSha();
    const pushed = headSha !== pr.headSha;
    if (pushed) {
      const message = await renderCommitMessage({
        title: `Merge ${pr.head} pushed during the run`,
        summary: "Takes in commits pushed while patchsmith worked.",
        issueNumber: state.issue,
        jobId: job.id,
      });
      await timer.time("publish", () => work.push({ mergeIfMoved: { author: deps.bot, message } }));
    }
    const sha = pushed ? await work.headSha() : undefined;
    const nextState: PullRequestState = {
      ...state,
      job: job.id,
      rounds: isCi ? state.rounds : round,
      ciRepairs: isCi ? round : state.ciRepairs,
      costUsd: state.costUsd + deps.meter.totals().costUsd,
    };
    await postReplies({
      github,
      repo: job.repo,
      pullNumber: job.number,
      items,
      report: verdicts,
      ...(sha ? { sha } : {}),
      ...(gateFailed ? { gateFailed } : {}),
      roundLabel: isCi ? `CI repair ${round}` : `feedback round ${round}`,
      round,
      maxRounds: isCi ? config.ci.maxRepairs : config.feedback.maxRounds,
      costUsd: formatUsd(deps.meter.totals().costUsd),
      logger: log,
    });
    await saveState(deps, job, pr, nextState);
    log.info({ sha, round, cost: report().costUsd }, "feedback round done");
    return {
      status: "published",
      branch: pr.head,
      plan,
      ...(gate ? { gate } : {}),
      report: report(),
    };
  } catch (caught) {
    const error = inPhase(phase, caught);
    log.error({ phase: error.phase, err: error.message }, "feedback job failed");
    await note({
      failure: { phase: error.phase ?? phase, message: error.userMessage },
      what: isCi ? "CI failure" : "feedback",
    }).catch((noteError: unknown) =>
      log.error({ err: String(noteError) }, "could not report the failure on the pull request"),
    );
    return { status: "failed", report: report(), error };
  } finally {
    await checkout?.dispose().catch(() => undefined);
  }
}

async function feedbackItems(
  job: Job,
  deps: PipelineDeps,
  log: PipelineDeps["logger"],
): Promise<FeedbackItem[]> {
  const { github } = deps;
  const reviewId = job.feedback?.reviewId;
  const wantsInline = reviewId !== undefined || (job.feedback?.commentIds.length ?? 0) > 0;
  const [reviewComments, threads, review, conversation] = await Promise.all([
    wantsInline ? github.listReviewComments(job.repo, job.number) : Promise.resolve([]),
    wantsInline ? github.listReviewThreads(job.repo, job.number) : Promise.resolve([]),
    reviewId !== undefined ? github.getReview(job.repo, job.number, reviewId) : undefined,
    reviewId === undefined
      ? github.getIssue(job.repo, job.number).then((issue) => issue.comments)
      : undefined,
  ]);
  return collectFeedback({
    job,
    github,
    reviewComments,
    threads,
    ...(review ? { review } : {}),
    ...(conversation ? { conversation } : {}),
    logger: log,
  });
}

async function ciItems(
  job: Job,
  pr: PullRequestDetails,
  deps: PipelineDeps,
): Promise<FeedbackItem[]> {
  const checks = await deps.github.listFailedChecks(job.repo, pr.headSha, deps.appSlug);
  if (checks.length === 0) return [];
  return [
    {
      id: job.ci?.workflowRunId ?? job.ci?.checkSuiteId ?? 0,
      kind: "ci",
      author: "CI",
      // Logs and annotations echo repository and test output: as untrusted as comments.
      body: sanitizeUserText(
        `CI failed on ${pr.headSha.slice(0, 7)}. Make it pass without weakening the checks.\n\n${ciFeedbackText(checks)}`,
      ),
    },
  ];
}

function capOf(
  job: Job,
  state: PullRequestState,
  config: Awaited<ReturnType<typeof readRepoConfig>>,
): { name: "feedback" | "ci"; reached: boolean; done: number } {
  if (job.kind === "ci-repair") {
    return {
      name: "ci",
      reached: !config.ci.repair || state.ciRepairs >= config.ci.maxRepairs,
      done: state.ciRepairs,
    };
  }
  return {
    name: "feedback",
    reached: state.rounds >= config.feedback.maxRounds,
    done: state.rounds,
  };
}

async function saveState(
  deps: PipelineDeps,
  job: Job,
  pr: PullRequestDetails,
  state: PullRequestState,
): Promise<void> {
  // Re-read the body so an edit a person made during the run is kept.
  const current = await deps.github.getPullRequest(job.repo, job.number).catch(() => pr);
  await deps.github.updatePullRequest(job.repo, job.number, {
    body: withPullRequestState(current.body, state),
  });
}
