/**
 * The durable embedded queue: jobs, their leases and the delivery ids live in one SQLite
 * file (WAL), so a restart, a crash or a second worker process on the same machine loses
 * nothing and runs nothing twice.
 *
 * - `enqueue` resolves after the row is committed: the receiver acknowledges the webhook
 *   only once the job is on disk.
 * - One job per dedupe key (issue or PR) is queued or running at a time: a partial unique
 *   index refuses a second one, and `enqueue` answers false ("already running").
 * - A worker takes a job with a lease (`leaseMs`) and renews it while the job runs. A job
 *   whose lease ran out (its worker died) is taken again by any worker; at start, leases held
 *   by a process of this host that no longer exists are released at once.
 * - A thrown PatchsmithError with isRetryable runs again after an exponential backoff with
 *   jitter, up to `maxAttempts`; anything else fails the job for good. Lost leases count as
 *   attempts too, so a job that kills its worker every time stops after `maxAttempts`.
 * - `cancel` removes a queued job, or flags a running one; the worker that runs it (this
 *   process or another) aborts the job's signal at its next heartbeat.
 * - A delivery id is remembered from the moment the receiver first sees it. When the process
 *   that saw it died before storing a job, a redelivery of it is let in again.
 * - `close` stops taking jobs, waits `graceMs` for the running ones, then aborts them and
 *   hands their lease back so another worker starts them again at once.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { PatchsmithError, silentLogger } from "../core/index.js";
import type { Job, JobHandler, JobQueue, Logger } from "../core/index.js";
import type { DeliveryDedupe } from "../triggers/index.js";
import { openQueueDb, type QueueDb } from "./sqlite-schema.js";

export interface SqliteQueueOptions {
  /** The database file; its directory is created when missing. */
  file: string;
  logger?: Logger;
  /** How long a lease lasts without a heartbeat (default 30 s). Heartbeats come at a third of it. */
  leaseMs?: number;
  /** How often an idle worker looks for work from other processes (default 500 ms). */
  pollMs?: number;
  /** Runs of a job before it fails for good (default 3). */
  maxAttempts?: number;
  /** The first retry's delay; doubled each attempt, with up to 50 % jitter (default 5 s). */
  backoffMs?: number;
  /** How long `close` waits for running jobs before handing them back (default 10 s). */
  graceMs?: number;
  /** How long a delivery id is remembered (default 4 days: GitHub redelivers up to 3 days back). */
  deliveryTtlMs?: number;
  now?: () => number;
}

export interface SqliteQueue extends JobQueue {
  /** The receiver's delivery dedupe, kept in the same file (shared by every process on it). */
  readonly deliveries: DeliveryDedupe;
  /** The stored jobs, for tests and operators. */
  jobs(): StoredJob[];
}

export interface StoredJob {
  id: string;
  key: string;
  state: "queued" | "running" | "done" | "failed" | "cancelled";
  attempt: number;
  lastError: string | null;
}

interface Running {
  controller: AbortController;
  settled: Promise<void>;
  key: string;
}

/** `<data dir>/queue.db`: where `serve` and `worker` meet. */
export function queueDbPath(dataDir: string): string {
  return path.join(dataDir, "queue.db");
}

export function createSqliteQueue(options: SqliteQueueOptions): SqliteQueue {
  const logger = options.logger ?? silentLogger;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 500;
  const maxAttempts = options.maxAttempts ?? 3;
  const backoffMs = options.backoffMs ?? 5_000;
  const graceMs = options.graceMs ?? 10_000;
  const deliveryTtlMs = options.deliveryTtlMs ?? 4 * 24 * 60 * 60 * 1000;
  const now = options.now ?? Date.now;
  mkdirSync(path.dirname(options.file), { recursive: true });
  const db: QueueDb = openQueueDb(new Database(options.file), maxAttempts);
  // The owner names this host and process, so a restarted process can tell a dead owner's lease.
  const owner = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const running = new Map<string, Running>();
  let handler: JobHandler | undefined;
  let concurrency = 1;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let idleWaiters: (() => void)[] = [];

  const isOpen = () => db.raw.open;

  /** True for an owner of this host whose process no longer exists (elsewhere: unknown, false). */
  function ownerIsDead(other: string): boolean {
    const host = `${os.hostname()}:`;
    if (!other.startsWith(host)) return false;
    const pid = Number(other.slice(host.length).split(":")[0]);
    return Number.isInteger(pid) && pid !== process.pid && !processAlive(pid);
  }

  function releaseDeadOwners(): void {
    for (const row of db.runningOwners()) {
      if (!ownerIsDead(row.owner)) continue;
      const released = db.releaseOwner(row.owner);
      logger.warn({ owner: row.owner, released }, "took back the jobs of a worker that died");
    }
  }

  function idle(): boolean {
    if (running.size > 0) return false;
    if (!handler || closed || !isOpen()) return true;
    return db.countActive(now()) === 0;
  }

  function notifyIfIdle(): void {
    if (idleWaiters.length === 0 || !idle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function pump(): void {
    if (!handler || closed || !isOpen()) return;
    while (running.size < concurrency) {
      const claimed = db.claim(owner, now(), leaseMs);
      if (!claimed) break;
      start(claimed.id, claimed.key, claimed.job, claimed.attempt, handler);
    }
    notifyIfIdle();
  }

  function start(id: string, key: string, job: Job, attempt: number, run: JobHandler): void {
    const log = logger.child({ jobId: id, dedupeKey: key, attempt });
    const controller = new AbortController();
    const startedAt = now();
    log.info("job started");
    const beat = setInterval(
      () => {
        if (!isOpen()) return;
        const lease = db.heartbeat(id, owner, now(), leaseMs);
        if (lease === "lost") {
          log.warn("lease lost (another worker took the job); stopping this run");
          controller.abort(new Error("lease lost"));
        } else if (lease === "cancel" && !controller.signal.aborted) {
          log.info("cancel requested; aborting the running job");
          controller.abort(new Error("cancelled"));
        }
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    const settled = Promise.resolve()
      .then(() => run(job, { signal: controller.signal, attempt }))
      .then(
        () => {
          if (isOpen()) db.finish(id, owner, "done", null, now());
          log.info({ ms: now() - startedAt }, "job finished");
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          if (!isOpen()) return;
          if (db.isCancelRequested(id)) {
            db.finish(id, owner, "cancelled", message, now());
            log.info("job cancelled");
          } else if (
            error instanceof PatchsmithError &&
            error.isRetryable &&
            attempt < maxAttempts
          ) {
            const delay = backoffMs * 2 ** (attempt - 1) * (1 + Math.random() / 2);
            db.retryLater(id, owner, now() + delay, message, now());
            log.warn({ err: error, retryInMs: Math.round(delay) }, "job failed; will retry");
          } else {
            db.finish(id, owner, "failed", message, now());
            log.error({ err: error, ms: now() - startedAt }, "job failed");
          }
        },
      )
      .finally(() => {
        clearInterval(beat);
        running.delete(id);
        pump();
        notifyIfIdle();
      });
    running.set(id, { controller, settled, key });
  }

  const deliveries: DeliveryDedupe = {
    firstSeen(deliveryId) {
      return db.rememberDelivery(deliveryId, now(), deliveryTtlMs, owner, ownerIsDead);
    },
    forget(deliveryId) {
      db.forgetDelivery(deliveryId);
    },
    get size() {
      return db.deliveryCount();
    },
  };

  return {
    deliveries,

    jobs: () => db.listJobs(),

    async enqueue(job, dedupeKey) {
      if (closed || !isOpen()) {
        throw new PatchsmithError("the job queue is closed", {
          userMessage:
            "patchsmith is shutting down and did not take this request. Try again in a minute.",
          isRetryable: true,
        });
      }
      const stored = db.insert(job, dedupeKey, now());
      logger.info({ jobId: job.id, dedupeKey, stored }, stored ? "job stored" : "job refused");
      if (stored) setImmediate(pump);
      return stored;
    },

    process(jobHandler, jobConcurrency) {
      if (handler) throw new Error("process() was already called on this queue");
      if (!Number.isInteger(jobConcurrency) || jobConcurrency < 1) {
        throw new Error(`concurrency must be a positive integer, got ${jobConcurrency}`);
      }
      handler = jobHandler;
      concurrency = jobConcurrency;
      releaseDeadOwners();
      timer = setInterval(pump, pollMs);
      pump();
    },

    async cancel(dedupeKey) {
      const result = db.cancel(dedupeKey, now());
      if (result === "running") {
        for (const entry of running.values()) {
          if (entry.key === dedupeKey) entry.controller.abort(new Error("cancelled"));
        }
      }
      logger.info({ dedupeKey, result }, "cancel requested");
      notifyIfIdle();
      return result !== "none";
    },

    drain() {
      if (idle()) return Promise.resolve();
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        // Jobs of other processes or with a retry delay finish without an event here.
        const check = setInterval(() => {
          if (!idleWaiters.includes(resolve)) return clearInterval(check);
          notifyIfIdle();
        }, pollMs);
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      const all = Promise.all([...running.values()].map((r) => r.settled));
      let graceTimer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([
        all.then(() => true),
        new Promise<boolean>((resolve) => (graceTimer = setTimeout(() => resolve(false), graceMs))),
      ]);
      clearTimeout(graceTimer);
      if (!inTime && isOpen()) {
        const handedBack = db.releaseOwner(owner);
        logger.warn({ handedBack }, "grace period over: running jobs handed back to the queue");
        for (const entry of running.values()) entry.controller.abort(new Error("shutting down"));
      }
      db.raw.close();
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    },
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
