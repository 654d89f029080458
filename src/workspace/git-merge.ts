/**
 * A clean merge or none: used to bring a pull request up to date with its base and to
 * take in commits pushed while a job ran. History is never rewritten, so people's commits
 * stay as they are; a conflict aborts the merge and names the files.
 */
import type { SimpleGit } from "simple-git";

export interface MergeAuthor {
  name: string;
  email: string;
}

export type MergeResult =
  | { status: "up-to-date" }
  | { status: "merged"; sha: string }
  | { status: "conflict"; files: string[] };

function identityEnv(author: MergeAuthor): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
}

export async function mergeClean(
  git: SimpleGit,
  env: Record<string, string>,
  ref: string,
  author: MergeAuthor,
  message: string,
): Promise<MergeResult> {
  const isAncestor = await git
    .raw(["merge-base", "--is-ancestor", ref, "HEAD"])
    .then(() => true)
    .catch(() => false);
  if (isAncestor) return { status: "up-to-date" };
  try {
    await git
      .env({ ...env, ...identityEnv(author) })
      .raw(["merge", "--no-ff", "--no-verify", "--no-edit", "-q", "-m", message, ref]);
    return { status: "merged", sha: (await git.revparse(["HEAD"])).trim() };
  } catch {
    const conflicted = await git.raw(["diff", "--name-only", "--diff-filter=U"]).catch(() => "");
    await git.raw(["merge", "--abort"]).catch(() => undefined);
    return { status: "conflict", files: conflicted.split("\n").filter(Boolean).sort() };
  } finally {
    git.env(env);
  }
}
