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
  // simple-git does not reject on an exit code alone, so compare SHAs instead of
  // trusting `merge-base --is-ancestor`.
  const target = (await git.revparse([`${ref}^{commit}`])).trim();
  const common = (await git.raw(["merge-base", target, "HEAD"]).catch(() => "")).trim();
  const isAncestor = common === target;
  if (isAncestor) return { status: "up-to-date" };
  try {
    const before = (await git.revparse(["HEAD"])).trim();
    const failed = await git
      .env({ ...env, ...identityEnv(author) })
      .raw(["merge", "--no-ff", "--no-verify", "--no-edit", "-q", "-m", message, target])
      .then(() => false)
      .catch(() => true);
    git.env(env);
    const conflicted = (await git.raw(["diff", "--name-only", "--diff-filter=U"]).catch(() => ""))
      .split("\n")
      .filter(Boolean)
      .sort();
    const after = (await git.revparse(["HEAD"])).trim();
    if (failed || conflicted.length > 0 || after === before) {
      await git.raw(["merge", "--abort"]).catch(() => undefined);
      return { status: "conflict", files: conflicted };
    }
    return { status: "merged", sha: after };
  } finally {
    git.env(env);
  }
}
