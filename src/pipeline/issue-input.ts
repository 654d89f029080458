import type { Issue } from "../core/index.js";
import { sanitizeUserText } from "../core/index.js";

/**
 * The issue as the model may see it: hidden content stripped, bot comments dropped, and
 * comments created or edited after the trigger ignored (they could change the ask after
 * a maintainer approved it).
 */
export function issueForModel(issue: Issue, triggeredAt: string): Issue {
  const cutoff = Date.parse(triggeredAt);
  const comments = issue.comments
    .filter((c) => !c.isBot)
    .filter((c) => Number.isNaN(cutoff) || Date.parse(c.updatedAt ?? c.createdAt) <= cutoff)
    .map((c) => ({ ...c, body: sanitizeUserText(c.body, 8_000) }));
  return {
    ...issue,
    title: sanitizeUserText(issue.title, 300),
    body: sanitizeUserText(issue.body),
    comments,
  };
}
