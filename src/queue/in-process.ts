/**
 * The embedded queue: jobs live in this process's memory, so a restart loses what was
 * queued (the durable queue is for that). A dedupe key is held from enqueue until the
 * job settles, which is what keeps a second trigger on the same issue from starting a
 * second run. A failing job is logged and never stops the queue or the process.
 *
 * `cancel` removes a job that has not started, and aborts the signal of a running one
 * (the pipeline stops at its next step).
 */
import { PatchsmithError, silentLogger } from "../core/index.js";
import type { Job, JobHandler, JobQueue, Logger } from "../core/index.js";
import { checkProcessCall } from "./process-limits.js";

export interface InProcessQueueOptions {
  logger?: Logger;
}

interface Entry {
  job: Job;
  key: string;
}

interface Running {
  settled: Promise<void>;
  controller: AbortController;
}

export function createInProcessQueue(options: InProcessQueueOptions = {}): JobQueue {
  const logger = options.logger ?? silentLogger;
  const waiting: Entry[] = [];
  const running = new Map<string, Running>();
  const keys = new Set<string>();
  let handler: JobHandler | undefined;
  let concurrency = 1;
  let closed = false;
  let idleWaiters: (() => void)[] = [];

  function isIdle(): boolean {
    return running.size === 0 && (waiting.length === 0 || handler === undefined || closed);
  }

  function notifyIfIdle(): void {
    if (!isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function pump(): void {
    while (handler && !closed && running.size < concurrency && waiting.length > 0) {
      start(waiting.shift()!, handler);
    }
    notifyIfIdle();
  }

  function start(entry: Entry, run: JobHandler): void {
    const log = logger.child({ jobId: entry.job.id, dedupeKey: entry.key });
    const startedAt = Date.now();
    log.info("job started");
    const controller = new AbortController();
    // Promise.resolve().then keeps a handler that throws synchronously inside the chain.
    const settled = Promise.resolve()
      .then(() => run(entry.job, { signal: controller.signal, attempt: 1 }))
      .then(
        () => log.info({ ms: Date.now() - startedAt }, "job finished"),
        (error: unknown) => log.error({ err: error, ms: Date.now() - startedAt }, "job failed"),
      )
      .finally(() => {
        running.delete(entry.key);
        keys.delete(entry.key);
        pump();
      });
    running.set(entry.key, { settled, controller });
  }

  return {
    async enqueue(job, dedupeKey) {
      if (closed) {
        throw new PatchsmithError("the job queue is closed", {
          userMessage:
            "patchsmith is shutting down and did not take this request. Try again in a minute.",
          isRetryable: true,
        });
      }
      if (keys.has(dedupeKey)) return false;
      keys.add(dedupeKey);
      waiting.push({ job, key: dedupeKey });
      logger.info({ jobId: job.id, dedupeKey, waiting: waiting.length }, "job queued");
      pump();
      return true;
    },

    depth: () => waiting.length + running.size,

    process(jobHandler, jobConcurrency) {
      checkProcessCall(handler !== undefined, jobConcurrency, "queue");
      handler = jobHandler;
      concurrency = jobConcurrency;
      pump();
    },

    async cancel(dedupeKey) {
      const active = running.get(dedupeKey);
      if (active) {
        if (active.controller.signal.aborted) return false;
        active.controller.abort(new Error("cancelled"));
        logger.info({ dedupeKey }, "running job cancelled");
        return true;
      }
      const index = waiting.findIndex((entry) => entry.key === dedupeKey);
      if (index < 0) return false;
      const [entry] = waiting.splice(index, 1);
      keys.delete(dedupeKey);
      logger.info({ jobId: entry!.job.id, dedupeKey }, "job cancelled before it started");
      notifyIfIdle();
      return true;
    },

    drain() {
      if (isIdle()) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },

    async close() {
      closed = true;
      if (waiting.length > 0) {
        logger.warn(
          { dropped: waiting.map((e) => e.job.id) },
          "queue closed with jobs that never started",
        );
        for (const entry of waiting.splice(0)) keys.delete(entry.key);
      }
      await Promise.all([...running.values()].map((r) => r.settled));
      notifyIfIdle();
    },
  };
}
