/**
 * The queue on Redis (REDIS_URL set): receivers and workers may run as separate processes
 * on many machines, with the same semantics as the SQLite queue. Job records (redis-store.ts)
 * say what each job is and who has it; BullMQ dispatches the one job per issue that may run
 * next, holds it under a lock its worker renews (the lease), and its stalled-job check hands
 * the job of a worker that stopped renewing to another worker. Retries go back to BullMQ as
 * delayed jobs; a sweep re-dispatches any job whose BullMQ entry went missing (a process that
 * died between writing the record and telling BullMQ).
 */
import os from "node:os";
import { createHash, randomUUID } from "node:crypto";
import { Queue, WaitingError, Worker, type Job as BullJob } from "bullmq";
import { Redis } from "ioredis";
import { CancelledError, PatchsmithError, silentLogger } from "../core/index.js";
import type { EnqueueResult, Job, JobHandler, JobQueue, Logger } from "../core/index.js";
import {
  createRedisClient,
  redisCall,
  redisWorkerOptions,
  type RedisConnectionSettings,
} from "./redis-connection.js";
import { runAttempt, type AttemptDeps, type BullData, type Running } from "./redis-attempt.js";
import { createRedisStore, type Dispatch, type RedisStore } from "./redis-store.js";
import { DEFAULT_RETRY, type RetryPolicy } from "./retry-policy.js";
import { DELIVERY_RETENTION_MS } from "./sqlite-queue.js";
import { checkProcessCall, settledWithin } from "./process-limits.js";

export interface RedisQueueOptions extends RedisConnectionSettings {
  url: string;
  logger?: Logger;
  /** All keys start with it; queues with different prefixes never meet. */
  prefix?: string;
  /** BullMQ's lock duration: a worker that stops renewing loses the job after this long. */
  leaseMs?: number;
  /** Lock renewal, and the check whether the lease is still ours or the job was cancelled. */
  heartbeatMs?: number;
  /** How often BullMQ looks for jobs whose lock ran out (default: 5 s, or leaseMs if shorter). */
  stalledIntervalMs?: number;
  /** How often a worker re-dispatches jobs that BullMQ lost track of. */
  sweepMs?: number;
  /** drain() and the depth gauge look this often. */
  pollMs?: number;
  retry?: Partial<RetryPolicy>;
  /** How long close() lets running jobs finish before handing them back. */
  graceMs?: number;
  /** Finished jobs and delivery ids are kept this long (at least 3 days). */
  retentionMs?: number;
  /** A claimed delivery that never settled (the receiver died) may be claimed again after this. */
  pendingDeliveryMs?: number;
  now?: () => number;
  random?: () => number;
}

export type RedisQueue = JobQueue &
  Required<Pick<JobQueue, "submit" | "claimDelivery" | "settleDelivery">> & {
    readonly store: RedisStore;
    readonly owner: string;
  };

const QUEUE_NAME = "jobs";
/** BullMQ must never fail a job on its own for stalling: the job record counts attempts. */
const NEVER_FAIL_FOR_STALLING = 1_000_000;

/** BullMQ job ids may not contain ':' nor look like integers; ours may. */
const bullId = (id: string) =>
  `j${createHash("sha256").update(id).digest("base64url").slice(0, 32)}`;

export function createRedisQueue(options: RedisQueueOptions): RedisQueue {
  const { url } = options;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const prefix = options.prefix ?? "patchsmith";
  const leaseMs = options.leaseMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(50, Math.min(1000, Math.floor(leaseMs / 3)));
  const stalledIntervalMs = options.stalledIntervalMs ?? Math.min(leaseMs, 5000);
  const sweepMs = options.sweepMs ?? 15_000;
  const pollMs = options.pollMs ?? 500;
  const graceMs = options.graceMs ?? 30_000;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const timeoutMs = (options.commandTimeoutMs ?? 3000) + (options.connectTimeoutMs ?? 2000);
  const owner = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const client = createRedisClient(url, {
    ...options,
    connectionName: `patchsmith-${process.pid}`,
    onError: (error) => logger.debug({ err: error.message }, "Redis connection error"),
  });
  const store = createRedisStore(client, {
    prefix,
    retentionMs: Math.max(options.retentionMs ?? DELIVERY_RETENTION_MS, DELIVERY_RETENTION_MS),
    pendingDeliveryMs: options.pendingDeliveryMs ?? 60_000,
    now,
  });
  const bull = new Queue<BullData>(QUEUE_NAME, { connection: client, prefix: `${prefix}:bull` });
  bull.on("error", (error) => logger.debug({ err: error.message }, "BullMQ queue error"));
  const running = new Map<string, Running>();
  let worker: Worker<BullData> | undefined;
  let workerClient: Redis | undefined;
  let handler: JobHandler | undefined;
  let closing = false;
  let closed = false;
  let depth = 0;
  const timers: NodeJS.Timeout[] = [];

  const call = <T>(operation: () => Promise<T>) => redisCall(url, operation, timeoutMs);
  const attemptDeps: AttemptDeps = {
    store,
    logger,
    retry,
    heartbeatMs,
    now,
    ...(options.random ? { random: options.random } : {}),
    isClosed: () => closed,
    dispatchNext: (next) => dispatchLater(next),
  };

  const refreshDepth = () =>
    store.activeCount().then(
      (n) => void (depth = n),
      () => undefined,
    );
  void refreshDepth();
  const depthTimer = setInterval(refreshDepth, Math.max(pollMs, 1000));
  depthTimer.unref();
  timers.push(depthTimer);

  async function dispatch(next: Dispatch): Promise<void> {
    await bull.add(
      "job",
      { id: next.id },
      {
        jobId: bullId(next.id),
        delay: Math.max(0, next.runAt - now()),
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }

  function dispatchLater(next: Dispatch | undefined): Promise<void> {
    if (!next) return Promise.resolve();
    // A dispatch that fails here is made up by the next sweep.
    return dispatch(next).catch((error: unknown) =>
      logger.warn({ jobId: next.id, err: String(error) }, "could not dispatch the next job"),
    );
  }

  /** Re-dispatches waiting jobs BullMQ does not have, and frees running ones it lost. */
  async function sweep(): Promise<void> {
    for (const head of await store.heads()) {
      if (head.state === "waiting") {
        await dispatch(head);
      } else if (!running.has(head.id)) {
        const state = await bull.getJobState(bullId(head.id));
        if (state !== "unknown" && state !== "completed" && state !== "failed") continue;
        if (await store.release(head.id, head.owner)) {
          logger.warn({ jobId: head.id }, "a running job's worker vanished: job queued again");
          await dispatch({ id: head.id, runAt: now() });
        }
      }
    }
  }

  async function processBullJob(bullJob: BullJob<BullData>, token?: string): Promise<void> {
    if (!token || !handler) throw new Error("BullMQ gave a job without a lock token");
    if (closing) {
      await bullJob.moveToWait(token);
      throw new WaitingError();
    }
    const id = bullJob.data.id;
    const attemptOwner = `${owner}/${randomUUID().slice(0, 8)}`;
    const started = await store.start(id, attemptOwner, retry.maxAttempts);
    if (started.kind !== "run") {
      if (started.kind === "failed")
        logger.error({ jobId: id }, "job failed: its worker stopped on every attempt");
      if (started.kind === "failed" || started.kind === "cancelled")
        await dispatchLater(started.next);
      return;
    }
    const entry: Running = {
      controller: new AbortController(),
      owner: attemptOwner,
      bullJob,
      token,
      handedBack: false,
      leaseLost: false,
    };
    running.set(id, entry);
    try {
      await runAttempt(attemptDeps, handler, started.job, started.attempt, entry);
    } finally {
      running.delete(id);
    }
  }

  function closedError(): PatchsmithError {
    return new PatchsmithError("the job queue is closed", {
      userMessage:
        "patchsmith is shutting down and did not take this request. Try again in a minute.",
      isRetryable: true,
    });
  }

  async function handBack(id: string, entry: Running): Promise<void> {
    entry.handedBack = true;
    try {
      await store.settle(id, entry.owner, { state: "waiting", handBack: true });
      await entry.bullJob.moveToWait(entry.token);
      logger.warn({ jobId: id }, "shutdown: job handed back to the queue");
    } catch (error) {
      // Its lock runs out and another worker takes it up; nothing is lost.
      logger.warn({ jobId: id, err: String(error) }, "shutdown: could not hand the job back");
    }
    entry.controller.abort(new CancelledError("patchsmith is shutting down"));
  }

  const queue: RedisQueue = {
    store,
    owner,

    // The port's depth() is synchronous (a gauge read on every scrape): a cached count of
    // waiting and running jobs across all processes, refreshed every second.
    depth: () => (closed ? 0 : depth),

    async submit(job: Job, dedupeKey: string): Promise<EnqueueResult> {
      if (closing) throw closedError();
      const result = await call(() => store.submit(job, dedupeKey));
      if (result.outcome === "queued") {
        await call(() => dispatch({ id: job.id, runAt: 0 }));
      }
      logger.info({ dedupeKey, submitted: job.id, ...result }, "job submitted");
      void refreshDepth();
      return result;
    },

    async enqueue(job, dedupeKey) {
      return (await queue.submit(job, dedupeKey)).outcome !== "folded";
    },

    async claimDelivery(deliveryId) {
      if (closing) throw closedError();
      return call(() => store.claimDelivery(deliveryId));
    },

    async settleDelivery(deliveryId, handled) {
      if (!closed) await call(() => store.settleDelivery(deliveryId, handled));
    },

    process(jobHandler, concurrency) {
      checkProcessCall(handler !== undefined, concurrency, "queue");
      handler = jobHandler;
      // BullMQ duplicates this client for its blocking fetch; we close it after the worker.
      workerClient = new Redis(url, redisWorkerOptions(options));
      workerClient.on("error", (error) =>
        logger.debug({ err: error.message }, "Redis connection error (worker)"),
      );
      worker = new Worker<BullData>(QUEUE_NAME, processBullJob, {
        connection: workerClient,
        prefix: `${prefix}:bull`,
        concurrency,
        autorun: false,
        lockDuration: leaseMs,
        lockRenewTime: heartbeatMs,
        stalledInterval: stalledIntervalMs,
        maxStalledCount: NEVER_FAIL_FOR_STALLING,
        drainDelay: 5,
      });
      worker.on("error", (error) => logger.warn({ err: error.message }, "BullMQ worker error"));
      worker.on("lockRenewalFailed", (jobIds) =>
        logger.warn({ bullJobIds: jobIds }, "could not renew job leases: Redis is slow or down"),
      );
      worker.on("stalled", (jobId) =>
        logger.warn({ bullJobId: jobId }, "a job's lease ran out: it is queued again"),
      );
      worker.run().catch((error: unknown) => {
        logger.error({ err: String(error) }, "the BullMQ worker stopped");
      });
      const runSweep = () =>
        sweep().catch((error: unknown) =>
          logger.warn({ err: String(error) }, "queue sweep failed"),
        );
      void runSweep();
      const sweeper = setInterval(runSweep, sweepMs);
      sweeper.unref();
      timers.push(sweeper);
    },

    async cancel(dedupeKey) {
      const { found, removed, flagged } = await call(() => store.cancel(dedupeKey));
      // A job that is being started right now stays in BullMQ; its start sees the cancel.
      for (const id of removed) await bull.remove(bullId(id)).catch(() => 0);
      // A job running in this process stops now; one in another process at its next heartbeat.
      for (const id of flagged) running.get(id)?.controller.abort(new CancelledError());
      return found;
    },

    async drain() {
      while (!closed && (running.size > 0 || (handler && (await store.activeCount()) > 0))) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, 50)));
      }
    },

    async close() {
      if (closing) return;
      closing = true;
      for (const timer of timers) clearInterval(timer);
      if (worker) {
        const stopping = worker.close();
        const timedOut = !(await settledWithin(stopping, graceMs));
        if (timedOut) {
          await Promise.all([...running].map(([id, entry]) => handBack(id, entry)));
          // Handlers that honour the signal end now; one that does not is left behind.
          await Promise.race([
            stopping,
            new Promise((resolve) => setTimeout(resolve, Math.min(graceMs, 2000)).unref()),
          ]);
        }
      }
      closed = true;
      await bull.close().catch(() => undefined);
      for (const c of [client, workerClient]) await c?.quit().catch(() => c.disconnect());
    },
  };
  return queue;
}
