import type { Issue, IssueComment } from "../core/index.js";
import { sanitizeUserText } from "../core/index.js";

export interface IssueForModelOptions {
  /**
   * Logins (lower case) with write access to the repository. When given, only their
   * comments reach the model: anyone can comment on a public issue.
   */
  writers?: ReadonlySet<string>;
}

/** Comments created and last edited no later than the trigger, by people (not bots). */
export function commentsBefore(comments: IssueComment[], triggeredAt: string): IssueComment[] {
  const cutoff = Date.parse(triggeredAt);
  return comments
    .filter((c) => !c.isBot)
    .filter((c) => Number.isNaN(cutoff) || Date.parse(c.updatedAt ?? c.createdAt) <= cutoff);
}

/**
 * The issue as the model may see it: hidden content stripped, bot comments dropped,
 * comments by people without write access dropped, and comments created or edited after
 * the trigger ignored (they could change the ask after a maintainer approved it).
 */
export function issueForModel(
  issue: Issue,
  triggeredAt: string,
  options: IssueForModelOptions = {},
): Issue {
  const { writers } = options;
  const comments = commentsBefore(issue.comments, triggeredAt)
    .filter((c) => !writers || writers.has(c.author.toLowerCase()))
    .map((c) => ({ ...c, body: sanitizeUserText(c.body, 8_000) }));
  return {
    ...issue,
    title: sanitizeUserText(issue.title, 300),
    body: sanitizeUserText(issue.body),
    comments,
  };
}
