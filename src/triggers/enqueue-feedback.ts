/**
 * A feedback trigger that passed the filters becomes one job on the pull request. The same
 * review can arrive twice (pull_request_review.submitted and the review comment of a reply,
 * or a workflow run and its check suite): `seen` keeps one job per review and per CI head.
 * The queue's per-PR key keeps one job per pull request queued or running.
 */
import type { GitHub, JobQueue, Logger } from "../core/index.js";
import { checkPermission } from "./check-permission.js";
import { issueKey, type RecentlySeen } from "./dedupe.js";
import type { FeedbackTrigger } from "./feedback-events.js";
import { toJob } from "./to-job.js";

export async function enqueueFeedback(input: {
  trigger: FeedbackTrigger;
  github: GitHub;
  queue: JobQueue;
  seen: RecentlySeen;
  logger: Logger;
}): Promise<"queued" | "ignored" | "busy"> {
  const { trigger, github, logger } = input;
  const key = issueKey(trigger.repo, trigger.number);
  if (trigger.kind !== "ci") {
    const permission = await checkPermission(github, trigger.repo, trigger.actor.login);
    if (!permission.allowed) {
      // Anyone may comment on a public PR; only writers' words reach the model, silently.
      logger.info({ permission: permission.permission }, "ignored: feedback from a non-writer");
      return "ignored";
    }
  }
  const seenKey = trigger.reviewKey ? `${key} ${trigger.reviewKey}` : undefined;
  if (seenKey && !input.seen.firstSeen(seenKey)) {
    logger.info({ reviewKey: trigger.reviewKey }, "ignored: this review already has a job");
    return "ignored";
  }
  const job = toJob({
    deliveryId: trigger.deliveryId,
    repo: trigger.repo,
    ...(trigger.installationId !== undefined ? { installationId: trigger.installationId } : {}),
    number: trigger.number,
    actor: trigger.actor.login,
    kind: trigger.kind,
    ...(trigger.commentId !== undefined ? { commentId: trigger.commentId } : {}),
    at: trigger.at,
    mode: "implement",
    jobKind: trigger.jobKind,
    ...(trigger.feedback ? { feedback: trigger.feedback } : {}),
    ...(trigger.ci ? { ci: trigger.ci } : {}),
  });
  let queued: boolean;
  try {
    queued = await input.queue.enqueue(job, key);
  } catch (error) {
    if (seenKey) input.seen.forget(seenKey);
    throw error;
  }
  if (!queued) {
    if (seenKey) input.seen.forget(seenKey);
    logger.info("not queued: a job for this pull request is already queued or running");
    return "busy";
  }
  logger.info({ jobId: job.id, kind: job.kind }, "feedback job queued");
  return "queued";
}
