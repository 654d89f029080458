/** A file's text from a repository's default branch through the Contents API. */
import type { RepoRef } from "../core/index.js";
import type { OctokitLike } from "./octokit-like.js";
import { toRemoteError } from "./remote-error.js";

/** Larger files are not configuration or templates; refuse them instead of buffering them. */
export const MAX_FILE_BYTES = 256 * 1024;

export async function readRepoFile(
  octokit: OctokitLike,
  repo: RepoRef,
  path: string,
): Promise<string | undefined> {
  try {
    const response = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: repo.owner,
      repo: repo.name,
      path,
    });
    const data = response.data as {
      type?: string;
      encoding?: string;
      content?: string;
      size?: number;
    };
    if (data.type !== "file" || typeof data.content !== "string") return undefined;
    if ((data.size ?? 0) > MAX_FILE_BYTES) return undefined;
    return Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8").toString(
      "utf8",
    );
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw toRemoteError(`reading ${path} from ${repo.owner}/${repo.name}`, error);
  }
}
