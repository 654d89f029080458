/**
 * The GitHub port: everything the pipeline asks of GitHub, with no Octokit types.
 * The Octokit adapter serves the app; the local adapter serves `patchsmith run`.
 */
import type { Issue, RepoRef } from "./types.js";

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

/** Installation-token permissions, as GitHub names them. */
export type TokenPermissions = Partial<
  Record<"contents" | "issues" | "pull_requests" | "checks" | "metadata", "read" | "write">
>;

export type Reaction = "eyes" | "+1" | "-1" | "rocket" | "confused" | "hooray";

export interface PullRequestRef {
  number: number;
  url: string;
  head: string;
  base: string;
  draft: boolean;
  body: string;
}

export interface PullRequestInput {
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
}

export interface CheckRunAnnotation {
  path: string;
  startLine: number;
  endLine: number;
  level: "failure" | "warning" | "notice";
  message: string;
  title?: string;
}

export interface CheckRunInput {
  name: string;
  headSha: string;
  conclusion: "success" | "failure" | "neutral";
  title: string;
  summary: string;
  annotations: CheckRunAnnotation[];
}

export interface ReviewComment {
  id: number;
  author: string;
  body: string;
  path?: string;
  line?: number;
  createdAt: string;
}

export interface ReviewThread {
  id: string;
  isResolved: boolean;
  path?: string;
  line?: number;
  comments: ReviewComment[];
}

/** A pull request as a feedback or CI-repair job needs it. */
export interface PullRequestDetails extends PullRequestRef {
  headSha: string;
  /** The login of who opened it. */
  author: string;
}

/** An inline review comment as REST returns it: with its diff hunk and review. */
export interface ReviewCommentDetails {
  id: number;
  reviewId?: number;
  inReplyToId?: number;
  author: string;
  authorIsBot: boolean;
  body: string;
  path: string;
  line?: number;
  diffHunk: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReviewDetails {
  id: number;
  author: string;
  authorIsBot: boolean;
  body: string;
  state: string;
  submittedAt?: string;
}

/** A failed check run on a commit, with what it said (annotations, output, job log tail). */
export interface FailedCheck {
  name: string;
  app?: string;
  summary: string;
  text: string;
  annotations: CheckRunAnnotation[];
  /** The trimmed end of the Actions job log, when the check is an Actions job. */
  log?: string;
}

export interface GitHub {
  getIssue(repo: RepoRef, number: number): Promise<Issue>;
  getDefaultBranch(repo: RepoRef): Promise<string>;
  getPermission(repo: RepoRef, user: string): Promise<Permission>;
  createComment(repo: RepoRef, number: number, body: string): Promise<{ id: number; url?: string }>;
  updateComment(repo: RepoRef, commentId: number, body: string): Promise<void>;
  /** Finds a comment of ours on the thread whose body contains `marker`. */
  findComment(
    repo: RepoRef,
    number: number,
    marker: string,
  ): Promise<{ id: number; body: string } | undefined>;
  addReaction(
    repo: RepoRef,
    target: { commentId: number } | { issueNumber: number },
    reaction: Reaction,
  ): Promise<void>;
  findPullRequest(repo: RepoRef, head: string): Promise<PullRequestRef | undefined>;
  createPullRequest(repo: RepoRef, input: PullRequestInput): Promise<PullRequestRef>;
  updatePullRequest(
    repo: RepoRef,
    number: number,
    input: Partial<Pick<PullRequestInput, "title" | "body">>,
  ): Promise<PullRequestRef>;
  createCheckRun(repo: RepoRef, input: CheckRunInput): Promise<void>;
  listReviewThreads(repo: RepoRef, pullNumber: number): Promise<ReviewThread[]>;
  replyToReviewComment(
    repo: RepoRef,
    pullNumber: number,
    commentId: number,
    body: string,
  ): Promise<void>;
  resolveReviewThread(repo: RepoRef, threadId: string): Promise<void>;
  getPullRequest(repo: RepoRef, number: number): Promise<PullRequestDetails>;
  listReviewComments(repo: RepoRef, pullNumber: number): Promise<ReviewCommentDetails[]>;
  getReview(repo: RepoRef, pullNumber: number, reviewId: number): Promise<ReviewDetails>;
  /** Failed check runs on `sha`, leaving out those of `excludeApp` (this app's own gate). */
  listFailedChecks(repo: RepoRef, sha: string, excludeApp?: string): Promise<FailedCheck[]>;
  /**
   * A short-lived token scoped to this repository, for git over HTTPS. Undefined in local mode.
   * `permissions` asks for no more than a step needs (clone: contents read; push: contents
   * write); the default is contents write.
   */
  getRepositoryToken(repo: RepoRef, permissions?: TokenPermissions): Promise<string | undefined>;
  /**
   * A file's text on a repository's default branch (organization defaults, template
   * overrides); undefined when it does not exist. Optional: the local adapter has none.
   */
  readFile?(repo: RepoRef, path: string): Promise<string | undefined>;
}
