/**
 * The SQLite side of the durable queue: the schema and every statement, each a short
 * transaction. WAL lets the receiver write while a worker in another process reads, and
 * `BEGIN IMMEDIATE` on a claim makes two workers never take the same job.
 */
import type { Database } from "better-sqlite3";
import type { Job } from "../core/index.js";
import type { StoredJob } from "./sqlite-queue.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  key TEXT NOT NULL,
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
CREATE UNIQUE INDEX IF NOT EXISTS jobs_one_active_per_key ON jobs(key)
  WHERE state IN ('queued', 'running');
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs(state, run_at);
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  seen_at INTEGER NOT NULL,
  owner TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_by_age ON deliveries(seen_at);
`;

interface JobRow {
  id: string;
  key: string;
  payload: string;
  state: StoredJob["state"];
  attempt: number;
  lease_owner: string | null;
  last_error: string | null;
}

export interface Claimed {
  id: string;
  key: string;
  job: Job;
  attempt: number;
}

export interface QueueDb {
  raw: Database;
  insert(job: Job, key: string, at: number): boolean;
  claim(owner: string, at: number, leaseMs: number, maxAttempts?: number): Claimed | undefined;
  heartbeat(id: string, owner: string, at: number, leaseMs: number): "ok" | "lost" | "cancel";
  finish(
    id: string,
    owner: string,
    state: "done" | "failed" | "cancelled",
    error: string | null,
    at: number,
  ): void;
  retryLater(id: string, owner: string, runAt: number, error: string, at: number): void;
  releaseOwner(owner: string): number;
  runningOwners(): { owner: string }[];
  cancel(key: string, at: number): "queued" | "running" | "none";
  isCancelRequested(id: string): boolean;
  countActive(at: number): number;
  listJobs(): StoredJob[];
  /**
   * True when the id is new (or expired), or when the process that first saw it died before
   * it made a job (`ownerDead` says which owners are gone): its redelivery must not be dropped.
   */
  rememberDelivery(
    id: string,
    at: number,
    ttlMs: number,
    owner: string,
    ownerDead: (owner: string) => boolean,
  ): boolean;
  forgetDelivery(id: string): void;
  deliveryCount(): number;
}

/** Jobs that lost their lease this many times are failed instead of taken again. */
const DEFAULT_MAX_ATTEMPTS = 3;

export function openQueueDb(db: Database, maxAttempts = DEFAULT_MAX_ATTEMPTS): QueueDb {
  db.pragma("journal_mode = WAL");
  // NORMAL is durable across a process crash in WAL mode (only an OS crash can lose the last commit).
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.exec(SCHEMA);

  const insertJob = db.prepare(
    `INSERT INTO jobs (id, key, payload, state, run_at, created_at, updated_at)
     VALUES (?, ?, ?, 'queued', ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const nextReady = db.prepare(
    `SELECT id, key, payload, state, attempt, lease_owner, last_error FROM jobs
     WHERE (state = 'queued' AND run_at <= @at) OR (state = 'running' AND lease_until < @at)
     ORDER BY run_at, created_at LIMIT 1`,
  );
  const take = db.prepare(
    `UPDATE jobs SET state = 'running', attempt = attempt + 1, lease_owner = ?, lease_until = ?,
     updated_at = ? WHERE id = ?`,
  );
  const failExhausted = db.prepare(
    `UPDATE jobs SET state = 'failed', lease_owner = NULL, lease_until = NULL,
     last_error = 'its worker stopped during every attempt', updated_at = ? WHERE id = ?`,
  );
  const renew = db.prepare(
    `UPDATE jobs SET lease_until = ?, updated_at = ? WHERE id = ? AND lease_owner = ? AND state = 'running'
     RETURNING cancel_requested`,
  );
  const finishJob = db.prepare(
    `UPDATE jobs SET state = ?, last_error = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?
     WHERE id = ? AND lease_owner = ?`,
  );
  const retryJob = db.prepare(
    `UPDATE jobs SET state = 'queued', run_at = ?, last_error = ?, lease_owner = NULL,
     lease_until = NULL, updated_at = ? WHERE id = ? AND lease_owner = ?`,
  );
  const release = db.prepare(
    `UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_until = NULL
     WHERE state = 'running' AND lease_owner = ?`,
  );
  const owners = db.prepare(
    `SELECT DISTINCT lease_owner AS owner FROM jobs WHERE state = 'running' AND lease_owner IS NOT NULL`,
  );
  const activeByKey = db.prepare(
    `SELECT id, state FROM jobs WHERE key = ? AND state IN ('queued', 'running')`,
  );
  const cancelQueued = db.prepare(
    `UPDATE jobs SET state = 'cancelled', updated_at = ? WHERE id = ? AND state = 'queued'`,
  );
  const flagCancel = db.prepare(
    `UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ? AND cancel_requested = 0`,
  );
  const cancelFlag = db.prepare(`SELECT cancel_requested FROM jobs WHERE id = ?`);
  const active = db.prepare(
    `SELECT COUNT(*) AS n FROM jobs WHERE state = 'running' OR (state = 'queued')`,
  );
  const list = db.prepare(`SELECT id, key, state, attempt, last_error FROM jobs ORDER BY rowid`);
  const addDelivery = db.prepare(
    `INSERT INTO deliveries (id, seen_at, owner) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE
     SET seen_at = excluded.seen_at, owner = excluded.owner WHERE deliveries.seen_at < ?`,
  );
  const deliveryOwner = db.prepare(`SELECT owner FROM deliveries WHERE id = ?`);
  const jobForDelivery = db.prepare(
    `SELECT 1 FROM jobs WHERE json_extract(payload, '$.trigger.deliveryId') = ? LIMIT 1`,
  );
  const takeDelivery = db.prepare(
    `UPDATE deliveries SET seen_at = ?, owner = ? WHERE id = ? AND owner = ?`,
  );
  const expireDeliveries = db.prepare(`DELETE FROM deliveries WHERE seen_at < ?`);
  const deleteDelivery = db.prepare(`DELETE FROM deliveries WHERE id = ?`);
  const countDeliveries = db.prepare(`SELECT COUNT(*) AS n FROM deliveries`);

  const claim = db.transaction((owner: string, at: number, leaseMs: number, limit: number) => {
    for (;;) {
      const row = nextReady.get({ at }) as JobRow | undefined;
      if (!row) return undefined;
      if (row.state === "running" && row.attempt >= limit) {
        failExhausted.run(at, row.id);
        continue;
      }
      take.run(owner, at + leaseMs, at, row.id);
      return {
        id: row.id,
        key: row.key,
        job: JSON.parse(row.payload) as Job,
        attempt: row.attempt + 1,
      };
    }
  });

  const cancel = db.transaction((key: string, at: number) => {
    const row = activeByKey.get(key) as { id: string; state: string } | undefined;
    if (!row) return "none" as const;
    if (row.state === "queued") {
      cancelQueued.run(at, row.id);
      return "queued" as const;
    }
    return flagCancel.run(at, row.id).changes > 0 ? ("running" as const) : ("none" as const);
  });

  let lastExpiry = 0;

  return {
    raw: db,
    insert(job, key, at) {
      return insertJob.run(job.id, key, JSON.stringify(job), at, at, at).changes === 1;
    },
    claim(owner, at, leaseMs, limit = maxAttempts) {
      return claim.immediate(owner, at, leaseMs, limit);
    },
    heartbeat(id, owner, at, leaseMs) {
      const row = renew.get(at + leaseMs, at, id, owner) as
        { cancel_requested: number } | undefined;
      if (!row) return "lost";
      return row.cancel_requested ? "cancel" : "ok";
    },
    finish(id, owner, state, error, at) {
      finishJob.run(state, error, at, id, owner);
    },
    retryLater(id, owner, runAt, error, at) {
      retryJob.run(Math.round(runAt), error, at, id, owner);
    },
    releaseOwner(owner) {
      return release.run(owner).changes;
    },
    runningOwners: () => owners.all() as { owner: string }[],
    cancel: (key, at) => cancel.immediate(key, at),
    isCancelRequested(id) {
      const row = cancelFlag.get(id) as { cancel_requested: number } | undefined;
      return Boolean(row?.cancel_requested);
    },
    countActive() {
      return (active.get() as { n: number }).n;
    },
    listJobs() {
      return (list.all() as (JobRow & { last_error: string | null })[]).map((r) => ({
        id: r.id,
        key: r.key,
        state: r.state,
        attempt: r.attempt,
        lastError: r.last_error,
      }));
    },
    rememberDelivery(id, at, ttlMs, owner, ownerDead) {
      // Old ids go in batches, not on every webhook.
      if (at - lastExpiry > 60_000) {
        expireDeliveries.run(at - ttlMs);
        lastExpiry = at;
      }
      if (addDelivery.run(id, at, owner, at - ttlMs).changes === 1) return true;
      const previous = (deliveryOwner.get(id) as { owner: string | null } | undefined)?.owner;
      if (!previous || previous === owner || !ownerDead(previous)) return false;
      if (jobForDelivery.get(id)) return false;
      return takeDelivery.run(at, owner, id, previous).changes === 1;
    },
    forgetDelivery(id) {
      deleteDelivery.run(id);
    },
    deliveryCount() {
      return (countDeliveries.get() as { n: number }).n;
    },
  };
}
