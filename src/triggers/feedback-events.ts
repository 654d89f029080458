/**
 * Narrows the events that ask for work on a patchsmith pull request: a submitted review, a
 * reply in a review thread, and a failed check suite or workflow run on the PR's head. A
 * pull request is patchsmith's when its head branch has the bot's prefix or its body holds
 * the bot's state marker.
 */
import type { Job, RepoRef } from "../core/index.js";
import type { Actor } from "./is-bot.js";

const STATE_MARKER = "<!-- patchsmith:pr ";

export function isPatchsmithPullRequest(
  pull: { head?: { ref?: string }; body?: string | null },
  branchPrefix: string,
): boolean {
  return (
    (pull.head?.ref ?? "").startsWith(branchPrefix) || (pull.body ?? "").includes(STATE_MARKER)
  );
}

/** `@slug` as a word of its own, outside quoted lines (a quoted mention is not a new ask). */
export function mentionsApp(body: string | null | undefined, slug: string): boolean {
  if (!body || !slug) return false;
  const escaped = slug.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const mention = new RegExp(`(^|[^\\w@/])@${escaped}(\\[bot\\])?(?![\\w-])`, "i");
  return body
    .split(/\r?\n/)
    .filter((line) => !/^\s*>/.test(line))
    .some((line) => mention.test(line));
}

interface RepoPayload {
  repository: { name: string; owner: { login: string } };
  installation?: { id: number } | null;
  sender: Actor;
}

interface PullPayload {
  number: number;
  head: { ref: string; sha: string };
  body?: string | null;
}

export interface FeedbackTrigger {
  deliveryId: string;
  repo: RepoRef;
  installationId?: number;
  number: number;
  actor: Actor;
  sender: Actor;
  kind: "review" | "comment" | "ci";
  at: string;
  jobKind: "feedback" | "ci-repair";
  feedback?: NonNullable<Job["feedback"]>;
  ci?: NonNullable<Job["ci"]>;
  /** One job per review: the key under which a review's events are recognised as one. */
  reviewKey?: string;
  commentId?: number;
}

function repoOf(deliveryId: string, payload: RepoPayload) {
  if (!payload.repository?.owner?.login) {
    throw new Error(`webhook ${deliveryId} has no repository`);
  }
  const base: Pick<FeedbackTrigger, "repo" | "installationId" | "sender"> = {
    repo: { owner: payload.repository.owner.login, name: payload.repository.name },
    sender: payload.sender,
  };
  if (payload.installation?.id !== undefined) base.installationId = payload.installation.id;
  return base;
}

export interface ReviewSubmittedPayload extends RepoPayload {
  review: { id: number; user: Actor | null; submitted_at?: string | null; body?: string | null };
  pull_request: PullPayload;
}

export function reviewSubmittedTrigger(
  deliveryId: string,
  payload: ReviewSubmittedPayload,
  branchPrefix: string,
  now: () => Date = () => new Date(),
): FeedbackTrigger | undefined {
  if (!isPatchsmithPullRequest(payload.pull_request, branchPrefix)) return undefined;
  const number = payload.pull_request.number;
  return {
    deliveryId,
    ...repoOf(deliveryId, payload),
    number,
    actor: payload.review.user ?? payload.sender,
    kind: "review",
    at: payload.review.submitted_at ?? now().toISOString(),
    jobKind: "feedback",
    feedback: { reviewId: payload.review.id, commentIds: [] },
    reviewKey: `review ${payload.review.id}`,
  };
}

export interface ReviewCommentPayload extends RepoPayload {
  comment: {
    id: number;
    user: Actor | null;
    created_at: string;
    in_reply_to_id?: number;
    pull_request_review_id?: number | null;
  };
  pull_request: PullPayload;
}

/**
 * Only a reply in an existing thread: a review's new comments arrive with its
 * pull_request_review.submitted, which makes the job for all of them at once.
 */
export function reviewReplyTrigger(
  deliveryId: string,
  payload: ReviewCommentPayload,
  branchPrefix: string,
): FeedbackTrigger | undefined {
  if (payload.comment.in_reply_to_id === undefined || payload.comment.in_reply_to_id === null)
    return undefined;
  if (!isPatchsmithPullRequest(payload.pull_request, branchPrefix)) return undefined;
  const reviewId = payload.comment.pull_request_review_id ?? undefined;
  const trigger: FeedbackTrigger = {
    deliveryId,
    ...repoOf(deliveryId, payload),
    number: payload.pull_request.number,
    actor: payload.comment.user ?? payload.sender,
    kind: "review",
    at: payload.comment.created_at,
    jobKind: "feedback",
    feedback: { commentIds: [payload.comment.id] },
  };
  if (reviewId !== undefined) trigger.reviewKey = `review ${reviewId}`;
  return trigger;
}

interface CheckPullRef {
  number: number;
  head: { ref: string; sha: string };
}

export interface CheckSuitePayload extends RepoPayload {
  check_suite: {
    id: number;
    head_sha: string;
    head_branch: string | null;
    conclusion: string | null;
    app?: { slug?: string } | null;
    pull_requests: CheckPullRef[];
  };
}

export interface WorkflowRunPayload extends RepoPayload {
  workflow_run: {
    id: number;
    head_sha: string;
    head_branch: string | null;
    conclusion: string | null;
    check_suite_id?: number;
    pull_requests: (CheckPullRef | null)[];
  };
}

const FAILED = new Set(["failure", "timed_out"]);

function ciTrigger(
  deliveryId: string,
  payload: RepoPayload,
  run: {
    headSha: string;
    headBranch: string | null;
    conclusion: string | null;
    pulls: (CheckPullRef | null)[];
  },
  ci: NonNullable<Job["ci"]>,
  branchPrefix: string,
  now: () => Date,
): FeedbackTrigger | undefined {
  if (!run.conclusion || !FAILED.has(run.conclusion)) return undefined;
  if (!(run.headBranch ?? "").startsWith(branchPrefix)) return undefined;
  // Only a run on the PR's current head: an older commit's failure is already out of date.
  const pull = run.pulls.find((p) => p?.head.sha === run.headSha && p.head.ref === run.headBranch);
  if (!pull) return undefined;
  return {
    deliveryId,
    ...repoOf(deliveryId, payload),
    number: pull.number,
    actor: payload.sender,
    kind: "ci",
    at: now().toISOString(),
    jobKind: "ci-repair",
    ci,
    // A workflow run and its check suite report the same failure: one repair per head.
    reviewKey: `ci ${run.headSha}`,
  };
}

export function checkSuiteTrigger(
  deliveryId: string,
  payload: CheckSuitePayload,
  branchPrefix: string,
  appSlug: string | undefined,
  now: () => Date = () => new Date(),
): FeedbackTrigger | undefined {
  const suite = payload.check_suite;
  // The bot's own gate check run lives in this app's suite; it is not CI to repair.
  if (appSlug && suite.app?.slug === appSlug) return undefined;
  return ciTrigger(
    deliveryId,
    payload,
    {
      headSha: suite.head_sha,
      headBranch: suite.head_branch,
      conclusion: suite.conclusion,
      pulls: suite.pull_requests ?? [],
    },
    { headSha: suite.head_sha, checkSuiteId: suite.id },
    branchPrefix,
    now,
  );
}

export function workflowRunTrigger(
  deliveryId: string,
  payload: WorkflowRunPayload,
  branchPrefix: string,
  now: () => Date = () => new Date(),
): FeedbackTrigger | undefined {
  const run = payload.workflow_run;
  const ci: NonNullable<Job["ci"]> = { headSha: run.head_sha, workflowRunId: run.id };
  if (run.check_suite_id !== undefined) ci.checkSuiteId = run.check_suite_id;
  return ciTrigger(
    deliveryId,
    payload,
    {
      headSha: run.head_sha,
      headBranch: run.head_branch,
      conclusion: run.conclusion,
      pulls: run.pull_requests ?? [],
    },
    ci,
    branchPrefix,
    now,
  );
}

/** `/generate` or a mention of the app in the conversation of a patchsmith pull request. */
export function conversationTrigger(event: {
  deliveryId: string;
  repo: RepoRef;
  installationId?: number;
  number: number;
  actor: Actor;
  sender: Actor;
  commentId?: number;
  at: string;
}): FeedbackTrigger {
  const trigger: FeedbackTrigger = {
    deliveryId: event.deliveryId,
    repo: event.repo,
    number: event.number,
    actor: event.actor,
    sender: event.sender,
    kind: "comment",
    at: event.at,
    jobKind: "feedback",
    feedback: { commentIds: event.commentId !== undefined ? [event.commentId] : [] },
  };
  if (event.installationId !== undefined) trigger.installationId = event.installationId;
  if (event.commentId !== undefined) trigger.commentId = event.commentId;
  return trigger;
}
