/**
 * What a feedback or CI-repair job reads about a pull request: its head, its inline review
 * comments with their diff hunks, one review, and the failed checks on a commit.
 */
import type {
  CheckRunAnnotation,
  FailedCheck,
  PullRequestDetails,
  RepoRef,
  ReviewCommentDetails,
  ReviewDetails,
} from "../core/index.js";
import type { OctokitLike } from "./octokit-like.js";

interface ApiUser {
  login: string;
  type?: string;
}

const PER_PAGE = 100;
/** The end of a failed job's log is where the error is; the rest is setup noise. */
const LOG_TAIL_CHARS = 6_000;
const MAX_FAILED_CHECKS = 10;
const ACTIONS_APP = "github-actions";

function isBotUser(user: ApiUser | null): boolean {
  if (!user) return true;
  return user.type === "Bot" || user.login.toLowerCase().endsWith("[bot]");
}

export async function getPullRequest(
  octokit: OctokitLike,
  repo: RepoRef,
  number: number,
): Promise<PullRequestDetails> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
    owner: repo.owner,
    repo: repo.name,
    pull_number: number,
  });
  const pull = data as {
    number: number;
    html_url: string;
    head: { ref: string; sha: string };
    base: { ref: string };
    draft?: boolean;
    body: string | null;
    user: ApiUser | null;
  };
  return {
    number: pull.number,
    url: pull.html_url,
    head: pull.head.ref,
    headSha: pull.head.sha,
    base: pull.base.ref,
    draft: pull.draft ?? false,
    body: pull.body ?? "",
    author: pull.user?.login ?? "ghost",
  };
}

export async function listReviewComments(
  octokit: OctokitLike,
  repo: RepoRef,
  pullNumber: number,
): Promise<ReviewCommentDetails[]> {
  const comments: ReviewCommentDetails[] = [];
  for (let page = 1; ; page++) {
    const response = await octokit.request(
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/comments",
      {
        owner: repo.owner,
        repo: repo.name,
        pull_number: pullNumber,
        per_page: PER_PAGE,
        page,
      },
    );
    const data = response.data as {
      id: number;
      pull_request_review_id?: number | null;
      in_reply_to_id?: number;
      user: ApiUser | null;
      body: string;
      path: string;
      line?: number | null;
      original_line?: number | null;
      diff_hunk: string;
      created_at: string;
      updated_at: string;
    }[];
    for (const c of data) {
      const comment: ReviewCommentDetails = {
        id: c.id,
        author: c.user?.login ?? "ghost",
        authorIsBot: isBotUser(c.user),
        body: c.body ?? "",
        path: c.path,
        diffHunk: c.diff_hunk ?? "",
        createdAt: c.created_at,
        updatedAt: c.updated_at ?? c.created_at,
      };
      if (typeof c.pull_request_review_id === "number") comment.reviewId = c.pull_request_review_id;
      if (typeof c.in_reply_to_id === "number") comment.inReplyToId = c.in_reply_to_id;
      const line = c.line ?? c.original_line;
      if (typeof line === "number") comment.line = line;
      comments.push(comment);
    }
    if (!/rel="next"/.test(String(response.headers.link ?? "")) || data.length === 0)
      return comments;
  }
}

export async function getReview(
  octokit: OctokitLike,
  repo: RepoRef,
  pullNumber: number,
  reviewId: number,
): Promise<ReviewDetails> {
  const { data } = await octokit.request(
    "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}",
    { owner: repo.owner, repo: repo.name, pull_number: pullNumber, review_id: reviewId },
  );
  const review = data as {
    id: number;
    user: ApiUser | null;
    body: string | null;
    state: string;
    submitted_at?: string;
  };
  const details: ReviewDetails = {
    id: review.id,
    author: review.user?.login ?? "ghost",
    authorIsBot: isBotUser(review.user),
    body: review.body ?? "",
    state: review.state,
  };
  if (review.submitted_at) details.submittedAt = review.submitted_at;
  return details;
}

interface ApiCheckRun {
  id: number;
  name: string;
  conclusion: string | null;
  app?: { slug?: string } | null;
  output?: { summary?: string | null; text?: string | null } | null;
}

export async function listFailedChecks(
  octokit: OctokitLike,
  repo: RepoRef,
  sha: string,
  excludeApp?: string,
): Promise<FailedCheck[]> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    owner: repo.owner,
    repo: repo.name,
    ref: sha,
    filter: "latest",
    per_page: PER_PAGE,
  });
  const runs = ((data as { check_runs: ApiCheckRun[] }).check_runs ?? [])
    .filter((run) => run.conclusion === "failure" || run.conclusion === "timed_out")
    .filter((run) => !excludeApp || run.app?.slug !== excludeApp)
    .slice(0, MAX_FAILED_CHECKS);
  const failed: FailedCheck[] = [];
  for (const run of runs) {
    const annotations = await octokit.request(
      "GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
      { owner: repo.owner, repo: repo.name, check_run_id: run.id, per_page: 50 },
    );
    const check: FailedCheck = {
      name: run.name,
      summary: run.output?.summary ?? "",
      text: run.output?.text ?? "",
      annotations: (
        annotations.data as {
          path: string;
          start_line: number;
          end_line: number;
          annotation_level: string;
          message: string;
          title?: string | null;
        }[]
      ).map((a): CheckRunAnnotation => {
        const annotation: CheckRunAnnotation = {
          path: a.path,
          startLine: a.start_line,
          endLine: a.end_line,
          level:
            a.annotation_level === "warning" || a.annotation_level === "notice"
              ? a.annotation_level
              : "failure",
          message: a.message,
        };
        if (a.title) annotation.title = a.title;
        return annotation;
      }),
    };
    if (run.app?.slug) check.app = run.app.slug;
    // An Actions check run's id is its job's id, so the job log is one request away.
    if (run.app?.slug === ACTIONS_APP) {
      const log = await octokit
        .request("GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs", {
          owner: repo.owner,
          repo: repo.name,
          job_id: run.id,
        })
        .then((response) => String(response.data ?? ""))
        .catch(() => undefined);
      if (log) check.log = log.length > LOG_TAIL_CHARS ? log.slice(-LOG_TAIL_CHARS) : log;
    }
    failed.push(check);
  }
  return failed;
}
