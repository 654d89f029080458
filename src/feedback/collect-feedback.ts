/**
 * Which comments of a pull request reach the model: those the trigger named (a review's
 * inline comments and body, a reply in a thread, a `/generate` or mention on the PR), by
 * people with write access, as they were at the trigger. Bots' comments, others', and
 * comments created or edited after the trigger are left out: the text is hostile input.
 */
import type {
  GitHub,
  Issue,
  Job,
  Logger,
  Permission,
  ReviewCommentDetails,
  ReviewDetails,
  ReviewThread,
} from "../core/index.js";
import { sanitizeUserText } from "../core/index.js";
import type { FeedbackItem } from "./types.js";

const WRITE: readonly Permission[] = ["write", "maintain", "admin"];
const MAX_COMMENT_CHARS = 8_000;
const MAX_HUNK_CHARS = 4_000;

export interface CollectInput {
  job: Job;
  github: Pick<GitHub, "getPermission">;
  reviewComments: ReviewCommentDetails[];
  review?: ReviewDetails;
  /** The pull request's conversation (issue comments). */
  conversation?: Issue["comments"];
  threads: ReviewThread[];
  logger: Logger;
}

export async function collectFeedback(input: CollectInput): Promise<FeedbackItem[]> {
  const { job, logger } = input;
  const cutoff = Date.parse(job.trigger.at);
  const wanted = new Set(job.feedback?.commentIds ?? []);
  const reviewId = job.feedback?.reviewId;
  const permissions = new Map<string, Promise<Permission>>();
  const mayWrite = async (user: string): Promise<boolean> => {
    const key = user.toLowerCase();
    if (!permissions.has(key)) permissions.set(key, input.github.getPermission(job.repo, user));
    return WRITE.includes(await permissions.get(key)!);
  };
  const inTime = (createdAt: string, updatedAt?: string): boolean =>
    Number.isNaN(cutoff) ||
    (Date.parse(createdAt) <= cutoff && Date.parse(updatedAt ?? createdAt) <= cutoff);

  const threadOf = new Map<number, ReviewThread>();
  for (const thread of input.threads) for (const c of thread.comments) threadOf.set(c.id, thread);

  const candidates: {
    item: FeedbackItem;
    isBot: boolean;
    createdAt: string;
    updatedAt?: string;
  }[] = [];
  if (input.review && input.review.body.trim() !== "") {
    candidates.push({
      item: {
        id: input.review.id,
        kind: "review-body",
        author: input.review.author,
        body: input.review.body,
      },
      isBot: input.review.authorIsBot,
      createdAt: input.review.submittedAt ?? job.trigger.at,
    });
  }
  for (const comment of input.reviewComments) {
    const named =
      wanted.has(comment.id) || (reviewId !== undefined && comment.reviewId === reviewId);
    if (!named) continue;
    const thread = threadOf.get(comment.id);
    const item: FeedbackItem = {
      id: comment.id,
      kind: "review-comment",
      author: comment.author,
      body: comment.body,
      path: comment.path,
      diffHunk: comment.diffHunk.slice(-MAX_HUNK_CHARS),
    };
    if (comment.line !== undefined) item.line = comment.line;
    if (thread) {
      const position = thread.comments.findIndex((c) => c.id === comment.id);
      item.thread = {
        id: thread.id,
        isResolved: thread.isResolved,
        history: thread.comments
          .slice(0, Math.max(0, position))
          .map((c) => ({ author: c.author, body: sanitizeUserText(c.body, MAX_COMMENT_CHARS) })),
      };
    }
    candidates.push({
      item,
      isBot: comment.authorIsBot,
      createdAt: comment.createdAt,
      updatedAt: comment.updatedAt,
    });
  }
  for (const comment of input.conversation ?? []) {
    if (!wanted.has(comment.id)) continue;
    candidates.push({
      item: { id: comment.id, kind: "issue-comment", author: comment.author, body: comment.body },
      isBot: comment.isBot === true,
      createdAt: comment.createdAt,
      ...(comment.updatedAt ? { updatedAt: comment.updatedAt } : {}),
    });
  }

  const items: FeedbackItem[] = [];
  for (const { item, isBot, createdAt, updatedAt } of candidates) {
    const why = isBot
      ? "written by a bot"
      : !inTime(createdAt, updatedAt)
        ? "created or edited after the trigger"
        : !(await mayWrite(item.author))
          ? "author lacks write access"
          : undefined;
    if (why) {
      logger.info({ comment: item.id, author: item.author, why }, "feedback comment ignored");
      continue;
    }
    items.push({ ...item, body: sanitizeUserText(item.body, MAX_COMMENT_CHARS) });
  }
  return items;
}
