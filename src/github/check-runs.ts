/**
 * GitHub takes at most 50 annotations per check-run request: the run is created with the
 * first 50 and each further batch is appended with an update (annotations accumulate).
 */
import type { CheckRunAnnotation, CheckRunInput, RepoRef } from "../core/index.js";
import { fitBody } from "./limits.js";
import type { OctokitLike } from "./octokit-like.js";

export const ANNOTATIONS_PER_REQUEST = 50;

function toApi(a: CheckRunAnnotation) {
  const annotation: Record<string, unknown> = {
    path: a.path,
    start_line: a.startLine,
    end_line: a.endLine,
    annotation_level: a.level,
    message: a.message,
  };
  if (a.title) annotation.title = a.title;
  return annotation;
}

export async function createCheckRun(
  octokit: OctokitLike,
  repo: RepoRef,
  input: CheckRunInput,
): Promise<void> {
  const batches: CheckRunAnnotation[][] = [];
  for (let i = 0; i < input.annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    batches.push(input.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  }
  const output = (annotations: CheckRunAnnotation[] | undefined) => ({
    title: input.title,
    summary: fitBody(input.summary),
    ...(annotations ? { annotations: annotations.map(toApi) } : {}),
  });
  const created = await octokit.request("POST /repos/{owner}/{repo}/check-runs", {
    owner: repo.owner,
    repo: repo.name,
    name: input.name,
    head_sha: input.headSha,
    status: "completed",
    conclusion: input.conclusion,
    output: output(batches[0]),
  });
  const id = (created.data as { id: number }).id;
  for (const batch of batches.slice(1)) {
    await octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      owner: repo.owner,
      repo: repo.name,
      check_run_id: id,
      output: output(batch),
    });
  }
}
