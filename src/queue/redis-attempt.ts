/**
 * One attempt at a job on the Redis queue: runs the handler while a heartbeat checks that
 * the job record still names this attempt as its lease owner (else another worker took it
 * over: stop) and whether it was cancelled, then records how the attempt ended. The BullMQ
 * job is completed, moved to delayed (a retry) or left alone (handed back, lease lost); the
 * errors thrown for the last two tell BullMQ's worker that the job was moved already.
 */
import { DelayedError, WaitingError, type Job as BullJob } from "bullmq";
import { CancelledError } from "../core/index.js";
import type { Job, JobHandler, Logger } from "../core/index.js";
import type { Dispatch, RedisStore } from "./redis-store.js";
import { backoffDelay, shouldRetry, type RetryPolicy } from "./retry-policy.js";

export interface BullData {
  id: string;
}

export interface Running {
  controller: AbortController;
  owner: string;
  bullJob: BullJob<BullData>;
  token: string;
  handedBack: boolean;
  leaseLost: boolean;
}

export interface AttemptDeps {
  store: RedisStore;
  logger: Logger;
  retry: RetryPolicy;
  heartbeatMs: number;
  now: () => number;
  random?: () => number;
  isClosed: () => boolean;
  /** Gives BullMQ the next job once this one has ended. */
  dispatchNext: (next: Dispatch | undefined) => Promise<void>;
}

export async function runAttempt(
  deps: AttemptDeps,
  run: JobHandler,
  job: Job,
  attempt: number,
  entry: Running,
): Promise<void> {
  const { controller } = entry;
  const { store, retry, now } = deps;
  const log = deps.logger.child({ jobId: job.id, attempt });
  let checking = false;
  const beat = setInterval(() => {
    if (checking || deps.isClosed()) return;
    checking = true;
    store
      .lease(job.id, entry.owner)
      .then((lease) => {
        if (!lease.ours && !entry.handedBack) {
          entry.leaseLost = true;
          log.warn("lease lost: another worker has this job now; stopping this attempt");
          controller.abort(new CancelledError("lease lost"));
        } else if (lease.cancelled && !controller.signal.aborted) {
          log.info("cancel requested: aborting the running job");
          controller.abort(new CancelledError());
        }
      })
      .catch((error: unknown) => log.warn({ err: String(error) }, "heartbeat failed"))
      .finally(() => (checking = false));
  }, deps.heartbeatMs);
  beat.unref();
  log.info("job started");
  const startedAt = now();
  let failure: { error: unknown } | undefined;
  try {
    await run(job, { signal: controller.signal, attempt });
  } catch (error) {
    failure = { error };
  } finally {
    clearInterval(beat);
  }
  // Handed back by close(), or taken by another worker: the BullMQ job is not ours to move.
  if (entry.handedBack || entry.leaseLost) throw new WaitingError();
  if (!failure) {
    const settled = await store.settle(job.id, entry.owner, { state: "done" });
    if (!settled.ok) throw new WaitingError();
    log.info({ ms: now() - startedAt }, "job finished");
    await deps.dispatchNext(settled.next);
    return;
  }
  const { error } = failure;
  const message = error instanceof Error ? error.message : String(error);
  const cancelled =
    error instanceof CancelledError ||
    (controller.signal.aborted && (await store.lease(job.id, entry.owner)).cancelled);
  if (!cancelled && shouldRetry(error, attempt, retry)) {
    const delay = backoffDelay(attempt, retry, deps.random);
    const settled = await store.settle(job.id, entry.owner, {
      state: "waiting",
      runAt: now() + delay,
      error: message,
    });
    if (!settled.ok) throw new WaitingError();
    await entry.bullJob.moveToDelayed(Date.now() + delay, entry.token);
    log.warn({ err: message, retryInMs: delay }, "job failed; it will be retried");
    throw new DelayedError();
  }
  const settled = await store.settle(job.id, entry.owner, {
    state: cancelled ? "cancelled" : "failed",
    error: message,
  });
  if (!settled.ok) throw new WaitingError();
  log.error({ err: message, ms: now() - startedAt }, "job failed");
  await deps.dispatchNext(settled.next);
}
