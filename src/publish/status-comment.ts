/**
 * The one sticky status comment per issue, edited in place as the run moves on.
 * It carries a hidden marker so that a worker (or a restarted one) finds it again.
 */
import type { GitHub, Mode, Plan, RepoRef } from "../core/index.js";
import { render } from "../core/index.js";
import { PLAN_END, PLAN_START } from "./plan-markdown.js";
import { markerJsonOf, type RunState, type StatusOutcome } from "./status-state.js";
import { renderCostTable, type CostTotals } from "./cost-table.js";

export const STATUS_MARKER = "<!-- patchsmith:status";

export type StatusStep = "queued" | "analyze" | "plan" | "implement" | "gate" | "publish";

const STEPS: { step: StatusStep; label: string }[] = [
  { step: "queued", label: "Queued" },
  { step: "analyze", label: "Analyzing the code" },
  { step: "plan", label: "Planning" },
  { step: "implement", label: "Implementing" },
  { step: "gate", label: "Checking: format, lint, types, tests, secrets, policy" },
  { step: "publish", label: "Opening the pull request" },
];

const HEADLINES: Record<StatusStep, string> = {
  queued: "queued",
  analyze: "analyzing the code",
  plan: "planning",
  implement: "implementing",
  gate: "running the quality gate",
  publish: "opening the pull request",
};

export interface StatusView {
  jobId: string;
  actor: string;
  mode?: Mode;
  current: StatusStep;
  outcome: StatusOutcome;
  /** Kept in the hidden marker for `/approve`, `/retry` and `/plan` (see status-state.ts). */
  instructions?: string;
  baseSha?: string;
  approvedBy?: string;
  details?: Partial<Record<StatusStep, string>>;
  plan?: Plan;
  pullRequest?: { url: string; draft: boolean };
  failure?: { phase: string; message: string; hint?: string; problems?: string[] };
  /** `totals`: tokens and cost per stage, shown as the pull request body's table. */
  cost?: { calls: number; tokens: number; usd: string; totals?: CostTotals };
  /** How long each step has taken so far, in milliseconds. */
  durations?: Partial<Record<StatusStep, number>>;
  /** The work branch, once it has been pushed. */
  branch?: string;
}

export async function renderStatus(view: StatusView): Promise<string> {
  const currentIndex = STEPS.findIndex((s) => s.step === view.current);
  const steps = STEPS.map((s, index) => {
    let mark = "⬜";
    if (index < currentIndex || (index === currentIndex && view.outcome === "succeeded"))
      mark = "✅";
    else if (index === currentIndex && view.outcome === "waiting") mark = "✅";
    else if (index === currentIndex && view.outcome === "cancelled") mark = "⏹️";
    else if (index === currentIndex) mark = view.outcome === "failed" ? "❌" : "⏳";
    if (s.step === "gate" && view.pullRequest?.draft) mark = "⚠️";
    const ms = view.durations?.[s.step];
    return { label: s.label, mark, detail: view.details?.[s.step], duration: formatDuration(ms) };
  });
  let headline = HEADLINES[view.current];
  let icon = "⏳";
  if (view.outcome === "succeeded") {
    icon = view.pullRequest?.draft ? "⚠️" : "✅";
    headline = view.pullRequest?.draft
      ? "draft pull request opened, checks still fail"
      : "pull request opened";
  } else if (view.outcome === "failed") {
    icon = "❌";
    headline = `failed while ${HEADLINES[view.current]}`;
  } else if (view.outcome === "waiting") {
    icon = "✋";
    headline = "plan ready, waiting for `/approve`";
  } else if (view.outcome === "cancelled") {
    icon = "⏹️";
    headline = `cancelled while ${HEADLINES[view.current]}`;
  }
  return render("github/status.md", {
    markerJson: markerJsonOf(stateOf(view)),
    planStart: PLAN_START,
    planEnd: PLAN_END,
    waiting: view.outcome === "waiting",
    cancelled: view.outcome === "cancelled",
    approvedBy: view.approvedBy,
    icon,
    headline,
    steps,
    pullRequest: view.pullRequest,
    failure: view.failure
      ? { ...view.failure, hasProblems: (view.failure.problems?.length ?? 0) > 0 }
      : undefined,
    branch: view.branch
      ? { name: view.branch, url: branchUrl(view.pullRequest?.url, view.branch) }
      : undefined,
    plan: view.plan
      ? {
          ...view.plan,
          open: view.outcome === "running" || view.outcome === "waiting",
          hasRisks: view.plan.risks.length > 0,
        }
      : undefined,
    cost: view.cost,
    costTable: view.cost?.totals ? await renderCostTable(view.cost.totals) : undefined,
    actor: view.actor,
    mode: view.mode && view.mode !== "implement" ? view.mode : undefined,
    jobId: view.jobId,
  });
}

function stateOf(view: StatusView): RunState {
  const state: RunState = { job: view.jobId, step: view.current, outcome: view.outcome };
  if (view.mode) state.mode = view.mode;
  if (view.instructions) state.instructions = view.instructions;
  if (view.plan) state.plan = view.plan;
  if (view.baseSha) state.baseSha = view.baseSha;
  if (view.approvedBy) state.approvedBy = view.approvedBy;
  return state;
}

function formatDuration(ms: number | undefined): string | undefined {
  if (ms === undefined) return undefined;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The branch's page, from the pull request's URL (same host, owner and repository). */
function branchUrl(pullRequestUrl: string | undefined, branch: string): string | undefined {
  const match = pullRequestUrl ? /^(.*)\/pull\/\d+$/.exec(pullRequestUrl) : null;
  return match
    ? `${match[1]}/tree/${branch.split("/").map(encodeURIComponent).join("/")}`
    : undefined;
}

/** Finds or creates the status comment, then edits it; never creates a second one. */
export class StatusComment {
  #commentId: number | undefined;
  #view: StatusView;

  constructor(
    private readonly github: GitHub,
    private readonly repo: RepoRef,
    private readonly issueNumber: number,
    initial: StatusView,
    /** Asked at every update, so the checklist shows live durations. */
    private readonly durations?: () => Partial<Record<StatusStep, number>>,
    /** The comment the receiver created for this job, when known: edited, never searched for. */
    commentId?: number,
  ) {
    this.#view = initial;
    this.#commentId = commentId;
  }

  get view(): StatusView {
    return this.#view;
  }

  async update(patch: Partial<StatusView>): Promise<void> {
    this.#view = {
      ...this.#view,
      ...patch,
      details: { ...this.#view.details, ...patch.details },
      ...(this.durations ? { durations: this.durations() } : {}),
    };
    const body = await renderStatus(this.#view);
    if (this.#commentId === undefined) {
      const existing = await this.github.findComment(this.repo, this.issueNumber, STATUS_MARKER);
      if (existing) {
        this.#commentId = existing.id;
      } else {
        this.#commentId = (await this.github.createComment(this.repo, this.issueNumber, body)).id;
        return;
      }
    }
    await this.github.updateComment(this.repo, this.#commentId, body);
  }
}

/**
 * Posts a job's first status comment, guarded against a lost answer: when the POST fails
 * (a 502 or a dropped connection can come after GitHub created the comment), the comment
 * of this job is looked for by its marker before the error goes on, so a retried delivery
 * does not leave two status comments.
 */
export async function createStatusComment(
  github: GitHub,
  repo: RepoRef,
  issueNumber: number,
  jobId: string,
  body: string,
): Promise<{ id: number }> {
  try {
    return await github.createComment(repo, issueNumber, body);
  } catch (error) {
    const made = await findStatusComment(github, repo, issueNumber, jobId).catch(() => undefined);
    if (!made) throw error;
    return made;
  }
}

/** The status comment of job `jobId`, when one was posted (e.g. before a crash). */
export async function findStatusComment(
  github: GitHub,
  repo: RepoRef,
  issueNumber: number,
  jobId: string,
): Promise<{ id: number } | undefined> {
  // The job id is the first key of the marker's JSON (see renderStatus).
  const marker = `${STATUS_MARKER} ${JSON.stringify({ job: jobId }).slice(0, -1)}`;
  const made = await github.findComment(repo, issueNumber, marker);
  return made ? { id: made.id } : undefined;
}
