/** Pull requests by head branch: the one branch per issue is how a run finds its PR again. */
import type { PullRequestInput, PullRequestRef, RepoRef } from "../core/index.js";
import { fitBody } from "./limits.js";
import type { OctokitLike } from "./octokit-like.js";

interface ApiPull {
  number: number;
  html_url: string;
  head: { ref: string };
  base: { ref: string };
  draft?: boolean;
  body: string | null;
}

function toPullRequest(pull: ApiPull): PullRequestRef {
  return {
    number: pull.number,
    url: pull.html_url,
    head: pull.head.ref,
    base: pull.base.ref,
    draft: pull.draft ?? false,
    body: pull.body ?? "",
  };
}

export async function findPullRequest(
  octokit: OctokitLike,
  repo: RepoRef,
  head: string,
): Promise<PullRequestRef | undefined> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/pulls", {
    owner: repo.owner,
    repo: repo.name,
    head: `${repo.owner}:${head}`,
    state: "open",
  });
  const first = (data as ApiPull[])[0];
  return first ? toPullRequest(first) : undefined;
}

export async function createPullRequest(
  octokit: OctokitLike,
  repo: RepoRef,
  input: PullRequestInput,
): Promise<PullRequestRef> {
  const { data } = await octokit.request("POST /repos/{owner}/{repo}/pulls", {
    owner: repo.owner,
    repo: repo.name,
    head: input.head,
    base: input.base,
    title: input.title,
    body: fitBody(input.body),
    draft: input.draft,
  });
  return toPullRequest(data as ApiPull);
}

export async function updatePullRequest(
  octokit: OctokitLike,
  repo: RepoRef,
  number: number,
  input: Partial<Pick<PullRequestInput, "title" | "body">>,
): Promise<PullRequestRef> {
  const { data } = await octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
    owner: repo.owner,
    repo: repo.name,
    pull_number: number,
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.body !== undefined ? { body: fitBody(input.body) } : {}),
  });
  return toPullRequest(data as ApiPull);
}
