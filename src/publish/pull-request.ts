/**
 * Commit as the bot, push the branch, then open the pull request or update the one that
 * already exists for the branch (a rerun or a restart never opens a second one).
 */
import type { Checkout, GitHub, Plan, PullRequestRef, RepoRef, RunReport } from "../core/index.js";
import {
  CancelledError,
  PatchsmithError,
  loadTemplate,
  render,
  templatesUsed,
} from "../core/index.js";
import {
  initialPullRequestState,
  parsePullRequestState,
  renderPullRequestState,
  withPullRequestState,
  PR_STATE_MARKER,
} from "./pr-state.js";
import { costTableData, renderCostTable } from "./cost-table.js";

export const PR_MARKER = PR_STATE_MARKER;

export interface PullRequestBodyInput {
  issueNumber: number;
  actor: string;
  jobId: string;
  plan: Plan;
  files: string[];
  gateReport: string;
  draft: boolean;
  report: RunReport;
}

export async function renderPullRequestBody(input: PullRequestBodyInput): Promise<string> {
  const costTotals = {
    usage: input.report.usage,
    costUsd: input.report.costUsd,
    calls: input.report.modelCalls,
    ...(input.report.byStage ? { byStage: input.report.byStage } : {}),
  };
  const costTable = await renderCostTable(costTotals);
  // Loaded first so the body names its own version among the templates used.
  await loadTemplate("github/pr-body.md");
  const used = templatesUsed();
  const templates = used.length > 0 ? used : (input.report.templates ?? []);
  return render("github/pr-body.md", {
    hasTemplates: templates.length > 0,
    templates: templates.map((t) => ({
      label: `${t.name.replace(/\.md$/, "")} ${t.version}${t.overridden ? " (overridden by this repository)" : ""}`,
    })),
    summary: input.plan.summary,
    issueNumber: input.issueNumber,
    actor: input.actor,
    draft: input.draft,
    repairRounds: input.report.repairRounds,
    plan: input.plan,
    files: input.files,
    gateReport: input.gateReport.trim(),
    costTable,
    ...costTableData(costTotals),
    hasRisks: input.plan.risks.length > 0,
    hasRepairs: input.report.gateRounds.length > 1,
    rounds: input.report.gateRounds.map((r, index) => ({
      label: `${index === 0 ? "" : "→ "}${index === 0 ? "first try" : `repair ${r.round}`} ${r.passed ? "✅" : `❌ (${r.blocking.join(", ")})`}`,
    })),
    hasTimings: input.report.stages.length > 0,
    timings: input.report.stages.map((s) => ({
      stage: s.stage,
      seconds: (s.ms / 1000).toFixed(1),
    })),
    // Everything a later feedback or CI-repair job needs, so any worker can continue.
    stateMarker: renderPullRequestState(
      initialPullRequestState({
        issue: input.issueNumber,
        job: input.jobId,
        plan: input.plan,
        costUsd: input.report.costUsd,
      }),
    ),
  });
}

/**
 * Every commit the bot makes carries a `Patchsmith-Job: <job id>` trailer: it is how a
 * later job tells the bot's rounds of commits apart from people's (`/undo`, feedback).
 */
export async function renderCommitMessage(input: {
  title: string;
  summary: string;
  issueNumber: number;
  jobId: string;
}): Promise<string> {
  return render("github/commit-message.md", input);
}

export interface PublishInput {
  /** A token that may write contents, minted for the push only. */
  pushToken?: string;
  github: GitHub;
  repo: RepoRef;
  checkout: Checkout;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  commitMessage: string;
  author: { name: string; email: string };
  /** Checked once more right before the push: nothing is pushed after a cancel. */
  signal?: AbortSignal;
}

export interface PublishResult {
  pullRequest: PullRequestRef;
  headSha: string;
  created: boolean;
}

export async function publishPullRequest(input: PublishInput): Promise<PublishResult> {
  const committed = await input.checkout.commit(input.commitMessage, input.author);
  const headSha = await input.checkout.headSha();
  if (committed === undefined && headSha === input.checkout.baseSha) {
    throw new PatchsmithError("nothing to publish: no change against the base", {
      phase: "publish",
      userMessage:
        "The run made no change to the repository, so there is nothing to open a pull request for. Add detail to the issue (which files, what behaviour you expect), then comment `/generate` again.",
    });
  }
  if (input.signal?.aborted) throw new CancelledError("cancelled before the push");
  await input.checkout.push(input.pushToken ? { token: input.pushToken } : {});
  const existing = await input.github.findPullRequest(input.repo, input.checkout.branch);
  if (existing) {
    const pullRequest = await input.github.updatePullRequest(input.repo, existing.number, {
      title: input.title,
      body: carryState(existing.body, input.body),
    });
    return { pullRequest, headSha, created: false };
  }
  let pullRequest: PullRequestRef;
  try {
    pullRequest = await input.github.createPullRequest(input.repo, {
      head: input.checkout.branch,
      base: input.base,
      title: input.title,
      body: input.body,
      draft: input.draft,
    });
  } catch (error) {
    // A 502 or a dropped connection can come after GitHub created the pull request; a
    // retry of the POST (or of the job) would then open a second one. Look before failing.
    const made = await input.github
      .findPullRequest(input.repo, input.checkout.branch)
      .catch(() => undefined);
    if (!made) throw error;
    pullRequest = made;
  }
  return { pullRequest, headSha, created: true };
}

/**
 * A new run of the issue rewrites the body but not the pull request's history: the rounds,
 * CI repairs and cost so far carry over, so the caps still hold.
 */
function carryState(previousBody: string, body: string): string {
  const previous = parsePullRequestState(previousBody);
  const next = parsePullRequestState(body);
  if (!previous || !next) return body;
  return withPullRequestState(body, {
    ...next,
    rounds: previous.rounds,
    ciRepairs: previous.ciRepairs,
    capNoted: previous.capNoted,
    costUsd: previous.costUsd + next.costUsd,
  });
}
