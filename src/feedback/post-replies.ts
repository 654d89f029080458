/**
 * Answers every piece of feedback: a reply in each review thread (resolved when the round's
 * commit addressed it and the gate passed, open with the reason otherwise), and one summary
 * comment on the conversation for a review's body, `/generate` comments and CI failures.
 */
import type { GitHub, Logger, RepoRef } from "../core/index.js";
import { render } from "../core/index.js";
import type { FeedbackItem, FeedbackReport } from "./types.js";

export interface PostRepliesInput {
  github: GitHub;
  repo: RepoRef;
  pullNumber: number;
  items: FeedbackItem[];
  report: FeedbackReport;
  /** The commit pushed this round, if any. */
  sha?: string;
  gateFailed?: string;
  roundLabel: string;
  round: number;
  maxRounds: number;
  costUsd: string;
  logger: Logger;
}

export interface PostRepliesResult {
  replied: number;
  resolved: string[];
  summaryPosted: boolean;
}

export async function postReplies(input: PostRepliesInput): Promise<PostRepliesResult> {
  const { github, repo, pullNumber } = input;
  const verdictOf = new Map(input.report.verdicts.map((v) => [v.id, v]));
  const shortSha = input.sha?.slice(0, 7);
  const resolved: string[] = [];
  let replied = 0;
  const rest: { quote: string; author: string; addressed: boolean; reply: string }[] = [];
  for (const item of input.items) {
    const verdict = verdictOf.get(item.id);
    if (!verdict) continue;
    // Addressed means the pushed commit does it and the gate agrees; anything less stays open.
    const addressed = verdict.addressed && shortSha !== undefined && !input.gateFailed;
    if (item.kind !== "review-comment") {
      rest.push({
        quote: quoteOf(item.body),
        author: item.author,
        addressed,
        reply: verdict.reply,
      });
      continue;
    }
    const body = await render("github/feedback-reply.md", {
      addressed,
      sha: shortSha ?? "",
      // Only an item the model did address can be "changed but failing".
      gateFailed: verdict.addressed && shortSha ? (input.gateFailed ?? "") : "",
      reply: verdict.reply,
    });
    await github.replyToReviewComment(repo, pullNumber, item.id, body);
    replied++;
    const thread = item.thread;
    if (addressed && thread && !thread.isResolved && !resolved.includes(thread.id)) {
      await github.resolveReviewThread(repo, thread.id);
      resolved.push(thread.id);
    }
  }
  const summaryPosted = rest.length > 0;
  if (summaryPosted) {
    await github.createComment(
      repo,
      pullNumber,
      await render("github/feedback-summary.md", {
        roundLabel: input.roundLabel,
        sha: shortSha ?? "",
        summary: input.report.summary,
        gateFailed: input.gateFailed ?? "",
        items: rest,
        costUsd: input.costUsd,
        round: input.round,
        maxRounds: input.maxRounds,
      }),
    );
  }
  input.logger.info({ replied, resolved: resolved.length, summaryPosted }, "feedback answered");
  return { replied, resolved, summaryPosted };
}

function quoteOf(body: string): string {
  const line = body.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
