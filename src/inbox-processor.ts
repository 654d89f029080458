/**
 * The handling half of the receiver: deliveries the ingress app stored (and GitHub already
 * has its 2xx for) run through createApp, unchanged, on a second Probot that serves no HTTP
 * but has the server's app id, key, base URL and Octokit, so each handler gets its
 * installation Octokit exactly as a webhook would give it.
 *
 * Handling is at least once: a delivery whose process died half-way is handled again. What
 * keeps that from doing things twice: the queue's durable delivery claim (a delivery whose
 * job was stored is "done" and skipped), the job id derived from the delivery id, and, for a
 * delivery handed out again, the status comment looked up by its marker before one is posted.
 */
import type { Probot } from "probot";
import { createApp, type AppDependencies } from "./app.js";
import type { Inbox, JobQueue, Logger } from "./core/index.js";
import { PatchsmithError } from "./core/index.js";
import { toRemoteError } from "./github/index.js";
import { isRetryable } from "./queue/index.js";

export interface InboxProcessorOptions {
  inbox: Inbox;
  /** Not serving HTTP; createApp is loaded into it here. */
  probot: Probot;
  /** What createApp gets (queue, bot login, repo config, ...). */
  app: AppDependencies;
  concurrency: number;
  logger: Logger;
}

export async function startInboxProcessor(options: InboxProcessorOptions): Promise<void> {
  const { inbox, probot, logger } = options;
  // Deliveries handed out before by a process that may have stopped half-way, while they
  // are handled again; a retry after an error this process saw end cleanly is not one.
  const resumed = new Set<string>();
  const failedHere = new Set<string>();
  await probot.load(
    createApp({
      ...options.app,
      queue: reclaimingResumed(options.app.queue, resumed),
      resumedDelivery: (deliveryId) => resumed.has(deliveryId),
    }),
  );
  inbox.process(async (delivery, { attempt }) => {
    if (attempt > 1 && !failedHere.delete(delivery.id)) resumed.add(delivery.id);
    try {
      await probot.receive({
        id: delivery.id,
        name: delivery.name,
        payload: delivery.payload,
      } as Parameters<Probot["receive"]>[0]);
    } catch (error) {
      const classified = classify(error);
      // The inbox retries these with backoff, and gives up after a few attempts.
      if (isRetryable(classified)) {
        rememberFailure(failedHere, delivery.id);
        throw classified;
      }
      logger.error(
        { deliveryId: delivery.id, event: delivery.name, err: errorText(classified) },
        "delivery dropped: its handling failed for good",
      );
    } finally {
      resumed.delete(delivery.id);
    }
  }, options.concurrency);
}

/** Bounded: a delivery that is given up never comes back to remove itself. */
function rememberFailure(failedHere: Set<string>, deliveryId: string): void {
  failedHere.add(deliveryId);
  if (failedHere.size > 10_000) failedHere.delete(failedHere.values().next().value!);
}

/**
 * A claim left pending by a process that died would make the queue refuse the delivery for
 * a minute (it cannot tell a dead receiver from a slow one); the inbox can, since it handed
 * the delivery out again. An unsettled claim is forgotten first; one that was settled as
 * handled (its job is stored) still refuses it.
 */
function reclaimingResumed(queue: JobQueue, resumed: ReadonlySet<string>): JobQueue {
  const claim = queue.claimDelivery?.bind(queue);
  const settle = queue.settleDelivery?.bind(queue);
  const wrapped: JobQueue = {
    enqueue: (job, key) => queue.enqueue(job, key),
    process: (handler, concurrency) => queue.process(handler, concurrency),
    cancel: (key) => queue.cancel(key),
    drain: () => queue.drain(),
    close: () => queue.close(),
  };
  if (queue.submit) wrapped.submit = (job, key) => queue.submit!(job, key);
  if (queue.depth) wrapped.depth = () => queue.depth!();
  if (settle) wrapped.settleDelivery = settle;
  if (claim) {
    wrapped.claimDelivery = async (deliveryId) => {
      if (resumed.has(deliveryId)) await settle?.(deliveryId, false);
      return claim(deliveryId);
    };
  }
  return wrapped;
}

/** Probot wraps handler errors in an AggregateError; an Octokit error carries its status. */
function classify(error: unknown): unknown {
  const inner = error instanceof AggregateError && error.errors.length > 0 ? error.errors : [error];
  const classified = inner.map((e: unknown) =>
    !(e instanceof PatchsmithError) && typeof (e as { status?: unknown })?.status === "number"
      ? toRemoteError("handling a webhook", e)
      : e,
  );
  return classified.find(isRetryable) ?? classified[0];
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
