/**
 * The embedded queue's storage: one SQLite file in WAL mode, so the receiver's insert is
 * on disk before the webhook is acknowledged, readers never block the writer, and several
 * processes on one machine (`serve` and `worker`) can share it. Every state change is one
 * short IMMEDIATE transaction; a worker's writes name its lease, so a worker that lost its
 * lease (it stalled, another took the job) changes nothing.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { EnqueueResult, Job } from "../core/index.js";
import { decide, type ActiveJob } from "./fold-policy.js";

export type JobState = "waiting" | "running" | "done" | "failed" | "cancelled";

export interface StoredJob {
  id: string;
  key: string;
  job: Job;
  state: JobState;
  attempt: number;
  leaseOwner: string | null;
  lastError: string | null;
}

interface Row {
  id: string;
  key: string;
  payload: string;
  state: JobState;
  attempt: number;
  lease_owner: string | null;
  last_error: string | null;
  mode: Job["mode"];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  key TEXT NOT NULL,
  delivery_id TEXT,
  mode TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  run_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_delivery ON jobs(delivery_id) WHERE delivery_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, run_at);
CREATE INDEX IF NOT EXISTS jobs_key ON jobs(key, state);
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  at INTEGER NOT NULL
);
`;

const ACTIVE = "state IN ('waiting', 'running')";

export interface SqliteStoreOptions {
  file: string;
  now?: () => number;
  /** A claimed delivery that never settled (the receiver died) may be claimed again after this. */
  pendingDeliveryMs?: number;
}

export type SqliteStore = ReturnType<typeof openSqliteStore>;

export function openSqliteStore(options: SqliteStoreOptions) {
  const now = options.now ?? Date.now;
  const pendingDeliveryMs = options.pendingDeliveryMs ?? 60_000;
  if (options.file !== ":memory:") mkdirSync(path.dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  db.pragma("journal_mode = WAL");
  // FULL: a job acknowledged to GitHub survives a power cut, not only a crash.
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  db.exec(SCHEMA);

  const toStored = (row: Row): StoredJob => ({
    id: row.id,
    key: row.key,
    job: JSON.parse(row.payload) as Job,
    state: row.state,
    attempt: row.attempt,
    leaseOwner: row.lease_owner,
    lastError: row.last_error,
  });

  const q = {
    byDelivery: db.prepare<[string], { id: string }>("SELECT id FROM jobs WHERE delivery_id = ?"),
    activeForKey: db.prepare<[string], ActiveJob>(
      `SELECT id, state, mode FROM jobs WHERE key = ? AND ${ACTIVE} ORDER BY seq`,
    ),
    insert: db.prepare(
      `INSERT INTO jobs (id, key, delivery_id, mode, payload, state, run_at, created_at, updated_at)
       VALUES (@id, @key, @deliveryId, @mode, @payload, 'waiting', @now, @now, @now)`,
    ),
    markDelivery: db.prepare<[string, number]>(
      "INSERT INTO deliveries (id, state, at) VALUES (?, 'done', ?) ON CONFLICT(id) DO UPDATE SET state = 'done'",
    ),
    delivery: db.prepare<[string], { state: string; at: number }>(
      "SELECT state, at FROM deliveries WHERE id = ?",
    ),
    pendDelivery: db.prepare<[string, number]>(
      "INSERT INTO deliveries (id, state, at) VALUES (?, 'pending', ?) ON CONFLICT(id) DO UPDATE SET state = 'pending', at = excluded.at",
    ),
    forgetDelivery: db.prepare<[string]>(
      "DELETE FROM deliveries WHERE id = ? AND state = 'pending'",
    ),
    expireLeases: db.prepare<[number, number]>(
      `UPDATE jobs SET state = 'waiting', lease_owner = NULL, lease_until = NULL, updated_at = ?
       WHERE state = 'running' AND lease_until < ?`,
    ),
    next: db.prepare<[number], Row>(
      `SELECT * FROM jobs j WHERE j.state = 'waiting' AND j.run_at <= ?
         AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.key = j.key AND r.state = 'running')
         AND j.seq = (SELECT MIN(w.seq) FROM jobs w WHERE w.key = j.key AND w.state = 'waiting')
       ORDER BY j.seq LIMIT 1`,
    ),
    lease: db.prepare(
      `UPDATE jobs SET state = 'running', attempt = attempt + 1, lease_owner = @owner,
         lease_until = @until, updated_at = @now WHERE id = @id`,
    ),
    get: db.prepare<[string], Row>("SELECT * FROM jobs WHERE id = ?"),
    heartbeat: db.prepare(
      `UPDATE jobs SET lease_until = @until, updated_at = @now
       WHERE id = @id AND lease_owner = @owner AND state = 'running'`,
    ),
    cancelRequested: db.prepare<[string], { cancel_requested: number }>(
      "SELECT cancel_requested FROM jobs WHERE id = ?",
    ),
    settle: db.prepare(
      `UPDATE jobs SET state = @state, lease_owner = NULL, lease_until = NULL, run_at = @runAt,
         attempt = attempt + @attemptDelta, last_error = @error, updated_at = @now
       WHERE id = @id AND lease_owner = @owner AND state = 'running'`,
    ),
    cancelWaiting: db.prepare<[number, string]>(
      `UPDATE jobs SET state = 'cancelled', updated_at = ? WHERE key = ? AND state = 'waiting'`,
    ),
    cancelRunning: db.prepare<[number, string]>(
      `UPDATE jobs SET cancel_requested = 1, updated_at = ?
       WHERE key = ? AND state = 'running' AND cancel_requested = 0`,
    ),
    running: db.prepare<[], { id: string; lease_owner: string }>(
      "SELECT id, lease_owner FROM jobs WHERE state = 'running'",
    ),
    release: db.prepare<[number, string, string]>(
      `UPDATE jobs SET state = 'waiting', lease_owner = NULL, lease_until = NULL, updated_at = ?
       WHERE id = ? AND lease_owner = ? AND state = 'running'`,
    ),
    activeCount: db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM jobs WHERE ${ACTIVE}`),
    pruneJobs: db.prepare<[number]>(
      `DELETE FROM jobs WHERE state IN ('done', 'failed', 'cancelled') AND updated_at < ?`,
    ),
    pruneDeliveries: db.prepare<[number]>("DELETE FROM deliveries WHERE at < ?"),
    all: db.prepare<[], Row>("SELECT * FROM jobs ORDER BY seq"),
  };

  const submit = db.transaction((job: Job, key: string): EnqueueResult => {
    const deliveryId = job.trigger.deliveryId;
    const existing = q.byDelivery.get(deliveryId);
    if (existing) return { outcome: "folded", jobId: existing.id };
    const t = now();
    const result = decide(job, q.activeForKey.all(key));
    if (result.outcome !== "folded") {
      q.insert.run({
        id: job.id,
        key,
        deliveryId,
        mode: job.mode,
        payload: JSON.stringify(job),
        now: t,
      });
    }
    q.markDelivery.run(deliveryId, t);
    return result;
  });

  const claimDelivery = db.transaction((deliveryId: string): boolean => {
    const t = now();
    const row = q.delivery.get(deliveryId);
    if (row && (row.state === "done" || t - row.at < pendingDeliveryMs)) return false;
    q.pendDelivery.run(deliveryId, t);
    return true;
  });

  const claimNext = db.transaction(
    (owner: string, leaseMs: number, maxAttempts: number): StoredJob | undefined => {
      const t = now();
      // A job whose worker stopped renewing its lease is waiting again; one that keeps
      // killing its worker stops after maxAttempts instead of looping forever.
      q.expireLeases.run(t, t);
      for (;;) {
        const row = q.next.get(t);
        if (!row) return undefined;
        if (row.attempt >= maxAttempts) {
          db.prepare(
            "UPDATE jobs SET state = 'failed', last_error = ?, updated_at = ? WHERE id = ?",
          ).run(row.last_error ?? "its worker stopped on every attempt", t, row.id);
          continue;
        }
        q.lease.run({ id: row.id, owner, until: t + leaseMs, now: t });
        return toStored(q.get.get(row.id)!);
      }
    },
  );

  return {
    submit: (job: Job, key: string) => submit.immediate(job, key),
    claimDelivery: (deliveryId: string) => claimDelivery.immediate(deliveryId),
    settleDelivery(deliveryId: string, handled: boolean): void {
      if (handled) q.markDelivery.run(deliveryId, now());
      else q.forgetDelivery.run(deliveryId);
    },
    claimNext: (owner: string, leaseMs: number, maxAttempts: number) =>
      claimNext.immediate(owner, leaseMs, maxAttempts),
    /** False when the lease is no longer ours. */
    heartbeat(id: string, owner: string, leaseMs: number): boolean {
      const t = now();
      return q.heartbeat.run({ id, owner, until: t + leaseMs, now: t }).changes > 0;
    },
    cancelRequested: (id: string) => (q.cancelRequested.get(id)?.cancel_requested ?? 0) === 1,
    /** Records the end of an attempt; false when the lease was lost meanwhile. */
    settle(
      id: string,
      owner: string,
      to: { state: JobState; runAt?: number; error?: string; handBack?: boolean },
    ): boolean {
      const t = now();
      return (
        q.settle.run({
          id,
          owner,
          state: to.state,
          runAt: to.runAt ?? t,
          attemptDelta: to.handBack ? -1 : 0,
          error: to.error ?? null,
          now: t,
        }).changes > 0
      );
    },
    /** Cancels waiting jobs of the key and flags a running one; true when there was one. */
    cancel: db
      .transaction((key: string): boolean => {
        const t = now();
        return q.cancelWaiting.run(t, key).changes + q.cancelRunning.run(t, key).changes > 0;
      })
      .immediate.bind(null) as (key: string) => boolean,
    /** Running jobs whose lease owner is not alive any more are waiting again (at start). */
    releaseOwners(isDead: (owner: string) => boolean): string[] {
      const released: string[] = [];
      for (const row of q.running.all()) {
        if (isDead(row.lease_owner) && q.release.run(now(), row.id, row.lease_owner).changes > 0)
          released.push(row.id);
      }
      return released;
    },
    activeCount: () => q.activeCount.get()!.n,
    prune(retentionMs: number): void {
      const before = now() - retentionMs;
      q.pruneJobs.run(before);
      q.pruneDeliveries.run(before);
    },
    get: (id: string) => {
      const row = q.get.get(id);
      return row ? toStored(row) : undefined;
    },
    all: () => q.all.all().map(toStored),
    close: () => db.close(),
  };
}
