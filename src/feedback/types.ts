/** One piece of feedback the model is asked to address, and how the bot answers it. */
export interface FeedbackItem {
  /** The comment to answer: an inline review comment, an issue comment, a review or a CI id. */
  id: number;
  kind: "review-comment" | "issue-comment" | "review-body" | "ci";
  author: string;
  body: string;
  path?: string;
  line?: number;
  diffHunk?: string;
  /** The review thread of an inline comment, with what was said before it. */
  thread?: { id: string; isResolved: boolean; history: { author: string; body: string }[] };
}

export interface FeedbackVerdict {
  id: number;
  addressed: boolean;
  /** What changed (addressed) or why not (not addressed), for the reply. */
  reply: string;
}

export interface FeedbackReport {
  verdicts: FeedbackVerdict[];
  summary: string;
}
