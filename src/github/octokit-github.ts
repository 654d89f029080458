/**
 * The GitHub port over Octokit. Pass an installation-authenticated Octokit (Probot's
 * `context.octokit` or `await app.auth(installationId)`); for `getRepositoryToken` also
 * pass the app-authenticated one (`await app.auth()`, which signs with the app's JWT)
 * and the installation id.
 */
import { RemoteError } from "../core/index.js";
import type { GitHub, Issue, IssueComment, Permission, RepoRef } from "../core/index.js";
import { createCheckRun } from "./check-runs.js";
import { readRepoFile } from "./read-file.js";
import { fitBody } from "./limits.js";
import type { OctokitLike } from "./octokit-like.js";
import { createPullRequest, findPullRequest, updatePullRequest } from "./pull-requests.js";
import { toRemoteError } from "./remote-error.js";
import { listReviewThreads, resolveReviewThread } from "./review-threads.js";
import {
  getPullRequest,
  getReview,
  listFailedChecks,
  listReviewComments,
} from "./pull-request-feedback.js";

export interface OctokitGitHubOptions {
  installationId?: number;
  /** Authenticated as the app (JWT); needed only for getRepositoryToken. */
  appOctokit?: OctokitLike;
  /** This app's bot login, e.g. "patchsmith[bot]"; findComment trusts only its comments. */
  botLogin?: string;
  /**
   * A token for git that is already scoped (the GITHUB_TOKEN of an Actions run); when
   * set, getRepositoryToken returns it instead of minting one with the app's key.
   */
  repositoryToken?: string;
}

interface ApiUser {
  login: string;
  type?: string;
}
interface ApiComment {
  id: number;
  body?: string | null;
  user: ApiUser | null;
  created_at: string;
  updated_at?: string;
}
const PER_PAGE = 100;
const PERMISSIONS: readonly Permission[] = ["admin", "maintain", "write", "triage", "read", "none"];

function hasNextPage(headers: Record<string, unknown>): boolean {
  return /rel="next"/.test(String(headers.link ?? ""));
}

export function createOctokitGitHub(
  octokit: OctokitLike,
  options: OctokitGitHubOptions = {},
): GitHub {
  const botLogin = options.botLogin?.toLowerCase();

  function isBotUser(user: ApiUser | null): boolean {
    if (!user) return false;
    const login = user.login.toLowerCase();
    return user.type === "Bot" || login.endsWith("[bot]") || login === botLogin;
  }

  function isOurs(user: ApiUser | null): boolean {
    if (!user) return false;
    // Without a known login, fall back to "any app": humans cannot forge a Bot author.
    return botLogin ? user.login.toLowerCase() === botLogin : user.type === "Bot";
  }

  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toRemoteError(operation, error);
    }
  }

  async function listComments(repo: RepoRef, number: number): Promise<ApiComment[]> {
    const comments: ApiComment[] = [];
    for (let page = 1; ; page++) {
      const response = await octokit.request(
        "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
        { owner: repo.owner, repo: repo.name, issue_number: number, per_page: PER_PAGE, page },
      );
      const data = response.data as ApiComment[];
      comments.push(...data);
      if (!hasNextPage(response.headers) || data.length === 0) return comments;
    }
  }

  return {
    getIssue: (repo, number) =>
      call("reading the issue", async (): Promise<Issue> => {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
          owner: repo.owner,
          repo: repo.name,
          issue_number: number,
        });
        const issue = data as {
          number: number;
          title: string;
          body?: string | null;
          html_url?: string;
          user: ApiUser | null;
        };
        const comments = (await listComments(repo, number)).map((c): IssueComment => {
          const comment: IssueComment = {
            id: c.id,
            author: c.user?.login ?? "ghost",
            body: c.body ?? "",
            createdAt: c.created_at,
            isBot: isBotUser(c.user),
          };
          if (c.updated_at) comment.updatedAt = c.updated_at;
          return comment;
        });
        const result: Issue = {
          number: issue.number,
          title: issue.title,
          body: issue.body ?? "",
          comments,
        };
        if (issue.html_url) result.url = issue.html_url;
        if (issue.user) result.author = issue.user.login;
        return result;
      }),

    getDefaultBranch: (repo) =>
      call("reading the repository", async () => {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}", {
          owner: repo.owner,
          repo: repo.name,
        });
        return (data as { default_branch: string }).default_branch;
      }),

    getPermission: (repo, user) =>
      call("checking the user's permission", async (): Promise<Permission> => {
        try {
          const { data } = await octokit.request(
            "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
            { owner: repo.owner, repo: repo.name, username: user },
          );
          // role_name knows maintain and triage; the legacy `permission` field folds them.
          const { role_name, permission } = data as { role_name?: string; permission?: string };
          return (
            PERMISSIONS.find((p) => p === role_name) ??
            PERMISSIONS.find((p) => p === permission) ??
            "none"
          );
        } catch (error) {
          if ((error as { status?: number }).status === 404) return "none";
          throw error;
        }
      }),

    createComment: (repo, number, body) =>
      call("posting a comment", async () => {
        const { data } = await octokit.request(
          "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
          { owner: repo.owner, repo: repo.name, issue_number: number, body: fitBody(body) },
        );
        const comment = data as { id: number; html_url?: string };
        return comment.html_url ? { id: comment.id, url: comment.html_url } : { id: comment.id };
      }),

    updateComment: (repo, commentId, body) =>
      call("editing a comment", async () => {
        await octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
          owner: repo.owner,
          repo: repo.name,
          comment_id: commentId,
          body: fitBody(body),
        });
      }),

    findComment: (repo, number, marker) =>
      call("looking for the status comment", async () => {
        // The newest one wins: each run posts its own status comment.
        const match = (await listComments(repo, number))
          .filter((c) => isOurs(c.user) && (c.body ?? "").includes(marker))
          .at(-1);
        return match ? { id: match.id, body: match.body ?? "" } : undefined;
      }),

    addReaction: (repo, target, reaction) =>
      call("adding a reaction", async () => {
        if ("commentId" in target) {
          await octokit.request(
            "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
            {
              owner: repo.owner,
              repo: repo.name,
              comment_id: target.commentId,
              content: reaction,
            },
          );
        } else {
          await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/reactions", {
            owner: repo.owner,
            repo: repo.name,
            issue_number: target.issueNumber,
            content: reaction,
          });
        }
      }),

    findPullRequest: (repo, head) =>
      call("looking for the pull request", () => findPullRequest(octokit, repo, head)),

    createPullRequest: (repo, input) =>
      call("opening the pull request", () => createPullRequest(octokit, repo, input)),

    updatePullRequest: (repo, number, input) =>
      call("updating the pull request", () => updatePullRequest(octokit, repo, number, input)),

    createCheckRun: (repo, input) =>
      call("creating the check run", () => createCheckRun(octokit, repo, input)),

    listReviewThreads: (repo, pullNumber) =>
      call("reading review threads", () => listReviewThreads(octokit, repo, pullNumber)),

    resolveReviewThread: (_repo, threadId) =>
      call("resolving a review thread", () => resolveReviewThread(octokit, threadId)),

    replyToReviewComment: (repo, pullNumber, commentId, body) =>
      call("replying to a review comment", async () => {
        await octokit.request(
          "POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies",
          {
            owner: repo.owner,
            repo: repo.name,
            pull_number: pullNumber,
            comment_id: commentId,
            body: fitBody(body),
          },
        );
      }),

    getPullRequest: (repo, number) =>
      call("reading the pull request", () => getPullRequest(octokit, repo, number)),

    listReviewComments: (repo, pullNumber) =>
      call("reading review comments", () => listReviewComments(octokit, repo, pullNumber)),

    getReview: (repo, pullNumber, reviewId) =>
      call("reading the review", () => getReview(octokit, repo, pullNumber, reviewId)),

    listFailedChecks: (repo, sha, excludeApp) =>
      call("reading the failed checks", () => listFailedChecks(octokit, repo, sha, excludeApp)),

    getRepositoryToken: (repo, permissions = { contents: "write" }) =>
      call("creating a repository token", async () => {
        const { appOctokit, installationId } = options;
        if (options.repositoryToken) return options.repositoryToken;
        if (!appOctokit || installationId === undefined) {
          throw new RemoteError("getRepositoryToken needs appOctokit and installationId", {
            userMessage:
              "patchsmith was started without app credentials for git. The server needs APP_ID and PRIVATE_KEY.",
          });
        }
        // Scoped to this one repository and to what the step needs (contents read to clone,
        // write to push): the token reaches git in the workspace, and should open nothing
        // else if it leaks from there.
        const { data } = await appOctokit.request(
          "POST /app/installations/{installation_id}/access_tokens",
          {
            installation_id: installationId,
            repositories: [repo.name],
            permissions,
          },
        );
        return (data as { token: string }).token;
      }),

    readFile: (repo, path) => readRepoFile(octokit, repo, path),
  };
}
