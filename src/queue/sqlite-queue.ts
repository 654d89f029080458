/**
 * The durable embedded queue (the default when REDIS_URL is unset): jobs in a SQLite file
 * (see sqlite-store.ts). A worker takes a job under a lease it renews by heartbeat; a
 * worker that dies stops renewing, and the job is taken up again when the lease runs out
 * (at once, when the dead worker was on this machine and a new one starts). Failures that
 * are retryable come back with backoff; shutdown lets running jobs finish within a grace
 * period and hands the rest back.
 */
import { CancelledError, PatchsmithError, silentLogger } from "../core/index.js";
import type { EnqueueResult, Job, JobHandler, JobQueue } from "../core/index.js";
import { isDeadLocalOwner, ownerId } from "./lease-owner.js";
import { DEFAULT_RETRY, backoffDelay, shouldRetry, type RetryPolicy } from "./retry-policy.js";
import { openSqliteStore, type SqliteStore, type StoredJob } from "./sqlite-store.js";
import { checkProcessCall, type LeasedWorkOptions, settledWithin } from "./process-limits.js";

export const DELIVERY_RETENTION_MS = 3 * 24 * 60 * 60 * 1000;

export interface SqliteQueueOptions extends LeasedWorkOptions {
  /** The database file (created with its directory); ":memory:" for a throwaway one. */
  file: string;
  now?: () => number;
}

export type SqliteQueue = JobQueue &
  Required<Pick<JobQueue, "submit" | "claimDelivery" | "settleDelivery">> & {
    readonly store: SqliteStore;
    readonly owner: string;
  };

interface Running {
  controller: AbortController;
  settled: Promise<void>;
}

export function createSqliteQueue(options: SqliteQueueOptions): SqliteQueue {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(50, Math.floor(leaseMs / 3));
  const pollMs = options.pollMs ?? 500;
  const graceMs = options.graceMs ?? 30_000;
  const retentionMs = Math.max(options.retentionMs ?? DELIVERY_RETENTION_MS, DELIVERY_RETENTION_MS);
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const store = openSqliteStore({ file: options.file, now });
  const owner = ownerId();
  const running = new Map<string, Running>();
  let handler: JobHandler | undefined;
  let concurrency = 1;
  let closing = false;
  let closed = false;
  let poller: NodeJS.Timeout | undefined;
  let pruner: NodeJS.Timeout | undefined;

  store.prune(retentionMs);

  function pump(): void {
    if (!handler || closing) return;
    while (running.size < concurrency) {
      const next = store.claimNext(owner, leaseMs, retry.maxAttempts);
      if (!next) return;
      start(next, handler);
    }
  }

  function start(stored: StoredJob, run: JobHandler): void {
    const { job, attempt } = stored;
    const log = logger.child({ jobId: job.id, dedupeKey: stored.key, attempt });
    const controller = new AbortController();
    let leaseLost = false;
    const beat = setInterval(() => {
      if (closed) return;
      if (!store.heartbeat(job.id, owner, leaseMs)) {
        leaseLost = true;
        log.warn("lease lost: another worker has this job now; stopping this attempt");
        controller.abort(new CancelledError("lease lost"));
      } else if (store.cancelRequested(job.id) && !controller.signal.aborted) {
        log.info("cancel requested: aborting the running job");
        controller.abort(new CancelledError());
      }
    }, heartbeatMs);
    beat.unref();
    log.info("job started");
    const startedAt = now();
    const settled = Promise.resolve()
      .then(() => run(job, { signal: controller.signal, attempt }))
      .then(
        () => {
          if (!closed) store.settle(job.id, owner, { state: "done" });
          log.info({ ms: now() - startedAt }, "job finished");
        },
        (error: unknown) => {
          if (closed || leaseLost) return;
          const message = error instanceof Error ? error.message : String(error);
          const cancelled =
            error instanceof CancelledError ||
            (controller.signal.aborted && store.cancelRequested(job.id));
          if (!cancelled && shouldRetry(error, attempt, retry)) {
            const delay = backoffDelay(attempt, retry, options.random);
            store.settle(job.id, owner, { state: "waiting", runAt: now() + delay, error: message });
            log.warn({ err: message, retryInMs: delay }, "job failed; it will be retried");
          } else {
            store.settle(job.id, owner, {
              state: cancelled ? "cancelled" : "failed",
              error: message,
            });
            log.error({ err: message, ms: now() - startedAt }, "job failed");
          }
        },
      )
      .catch((error: unknown) =>
        log.error({ err: String(error) }, "could not record the job's end"),
      )
      .finally(() => {
        clearInterval(beat);
        running.delete(job.id);
        setImmediate(pump);
      });
    running.set(job.id, { controller, settled });
  }

  function closedError(): PatchsmithError {
    return new PatchsmithError("the job queue is closed", {
      userMessage:
        "patchsmith is shutting down and did not take this request. Try again in a minute.",
      isRetryable: true,
    });
  }

  const queue: SqliteQueue = {
    store,
    owner,

    depth: () => (closed ? 0 : store.activeCount()),

    async submit(job: Job, dedupeKey: string): Promise<EnqueueResult> {
      if (closed) throw closedError();
      const result = store.submit(job, dedupeKey);
      logger.info({ dedupeKey, submitted: job.id, ...result }, "job submitted");
      if (result.outcome !== "folded") setImmediate(pump);
      return result;
    },

    async enqueue(job, dedupeKey) {
      return (await queue.submit(job, dedupeKey)).outcome !== "folded";
    },

    async claimDelivery(deliveryId) {
      if (closed) throw closedError();
      return store.claimDelivery(deliveryId);
    },

    async settleDelivery(deliveryId, handled) {
      if (!closed) store.settleDelivery(deliveryId, handled);
    },

    process(jobHandler, jobConcurrency) {
      checkProcessCall(handler !== undefined, jobConcurrency, "queue");
      handler = jobHandler;
      concurrency = jobConcurrency;
      const released = store.releaseOwners(isDeadLocalOwner);
      if (released.length > 0)
        logger.warn({ jobs: released }, "resuming jobs of a worker that died");
      poller = setInterval(pump, pollMs);
      pruner = setInterval(() => store.prune(retentionMs), 60 * 60 * 1000);
      pruner.unref();
      pump();
    },

    async cancel(dedupeKey) {
      const found = store.cancel(dedupeKey);
      // A job running in this process stops now; one in another process at its next heartbeat.
      for (const [id, entry] of running) {
        const stored = store.get(id);
        if (stored?.key === dedupeKey && store.cancelRequested(id))
          entry.controller.abort(new CancelledError());
      }
      return found;
    },

    async drain() {
      while (!closed && (running.size > 0 || (handler && store.activeCount() > 0))) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, 50)));
      }
    },

    async close() {
      if (closed) return;
      closing = true;
      if (poller) clearInterval(poller);
      if (pruner) clearInterval(pruner);
      const all = Promise.all([...running.values()].map((r) => r.settled));
      const timedOut = !(await settledWithin(all, graceMs));
      if (timedOut) {
        for (const [id, entry] of running) {
          store.settle(id, owner, { state: "waiting", handBack: true });
          entry.controller.abort(new CancelledError("patchsmith is shutting down"));
          logger.warn({ jobId: id }, "shutdown: job handed back to the queue");
        }
      }
      closed = true;
      store.close();
    },
  };
  return queue;
}
