/**
 * The SQLite inbox's books: one file in WAL mode (its own, not queue.sqlite, so storing a
 * delivery never waits behind the workers' job writes). New deliveries are written by the
 * intake (sqlite-inbox-intake.ts) with synchronous=FULL; this connection keeps the books
 * (leases, attempts, done) with synchronous=NORMAL: a lease or a "done" lost to a power cut
 * only means the delivery is handled again, which the handler tolerates, and the event loop
 * does not wait for an fsync per lease change. The processor checkpoints the WAL through
 * it (checkpoint(), PASSIVE: the intake goes on writing meanwhile), so neither a put nor the
 * event loop that answers webhooks waits for a checkpoint's copy and fsync.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { InboxDelivery } from "../core/index.js";

export type InboxState = "waiting" | "running" | "done" | "failed";

export interface StoredDelivery {
  delivery: InboxDelivery;
  attempt: number;
}

interface Row {
  id: string;
  name: string;
  payload: string;
  received_at: number;
  attempt: number;
  last_error: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS inbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  state TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  run_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  last_error TEXT,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS inbox_state ON inbox(state, seq);
`;

export type SqliteInboxStore = ReturnType<typeof openSqliteInboxStore>;

export function openSqliteInboxStore(options: { file: string; now?: () => number }) {
  const now = options.now ?? Date.now;
  mkdirSync(path.dirname(options.file), { recursive: true });
  const books = new Database(options.file);
  books.pragma("journal_mode = WAL");
  books.pragma("synchronous = NORMAL");
  books.pragma("busy_timeout = 5000");
  books.pragma("wal_autocheckpoint = 0");
  books.exec(SCHEMA);

  const q = {
    expire: books.prepare<[number, number]>(
      `UPDATE inbox SET state = 'waiting', lease_owner = NULL, lease_until = NULL, updated_at = ?
       WHERE state = 'running' AND lease_until < ?`,
    ),
    ready: books.prepare<[number, number], Row>(
      `SELECT id, name, payload, received_at, attempt, last_error FROM inbox
       WHERE state = 'waiting' AND run_at <= ? ORDER BY seq LIMIT ?`,
    ),
    lease: books.prepare(
      `UPDATE inbox SET state = 'running', attempt = attempt + 1, lease_owner = @owner,
         lease_until = @until, updated_at = @now WHERE id = @id AND state = 'waiting'`,
    ),
    giveUp: books.prepare<[string, number, string]>(
      "UPDATE inbox SET state = 'failed', last_error = ?, updated_at = ? WHERE id = ?",
    ),
    heartbeat: books.prepare<[number, number, string]>(
      `UPDATE inbox SET lease_until = ?, updated_at = ? WHERE lease_owner = ? AND state = 'running'`,
    ),
    done: books.prepare<[number, string, string]>(
      `UPDATE inbox SET state = 'done', payload = '', lease_owner = NULL, lease_until = NULL,
         last_error = NULL, updated_at = ? WHERE id = ? AND lease_owner = ? AND state = 'running'`,
    ),
    retry: books.prepare(
      `UPDATE inbox SET state = 'waiting', run_at = @runAt, lease_owner = NULL, lease_until = NULL,
         last_error = @error, updated_at = @now
       WHERE id = @id AND lease_owner = @owner AND state = 'running'`,
    ),
    fail: books.prepare(
      `UPDATE inbox SET state = 'failed', lease_owner = NULL, lease_until = NULL,
         last_error = @error, updated_at = @now
       WHERE id = @id AND lease_owner = @owner AND state = 'running'`,
    ),
    running: books.prepare<[], { id: string; lease_owner: string }>(
      "SELECT id, lease_owner FROM inbox WHERE state = 'running'",
    ),
    release: books.prepare<[number, string, string]>(
      `UPDATE inbox SET state = 'waiting', lease_owner = NULL, lease_until = NULL, updated_at = ?
       WHERE id = ? AND lease_owner = ? AND state = 'running'`,
    ),
    pending: books.prepare<[], { n: number }>(
      "SELECT COUNT(*) AS n FROM inbox WHERE state IN ('waiting', 'running')",
    ),
    prune: books.prepare<[number]>(
      "DELETE FROM inbox WHERE state IN ('done', 'failed') AND received_at < ?",
    ),
    state: books.prepare<
      [string],
      { state: InboxState; attempt: number; last_error: string | null }
    >("SELECT state, attempt, last_error FROM inbox WHERE id = ?"),
  };

  /**
   * Leases up to `limit` waiting deliveries, oldest first. One that was handed out
   * `maxAttempts` times already (it kept killing its process) is given up instead.
   */
  const claim = books.transaction(
    (owner: string, limit: number, leaseMs: number, maxAttempts: number) => {
      const t = now();
      q.expire.run(t, t);
      const claimed: StoredDelivery[] = [];
      const givenUp: { id: string; error: string }[] = [];
      for (const row of q.ready.all(t, limit)) {
        if (row.attempt >= maxAttempts) {
          const error = row.last_error ?? "its process stopped on every attempt";
          q.giveUp.run(error, t, row.id);
          givenUp.push({ id: row.id, error });
          continue;
        }
        q.lease.run({ id: row.id, owner, until: t + leaseMs, now: t });
        claimed.push({
          delivery: {
            id: row.id,
            name: row.name,
            payload: JSON.parse(row.payload) as unknown,
            receivedAt: row.received_at,
          },
          attempt: row.attempt + 1,
        });
      }
      return { claimed, givenUp };
    },
  );

  return {
    claim: (owner: string, limit: number, leaseMs: number, maxAttempts: number) =>
      claim.immediate(owner, limit, leaseMs, maxAttempts),
    /** Renews every lease this owner holds. */
    heartbeat(owner: string, leaseMs: number): number {
      const t = now();
      return q.heartbeat.run(t + leaseMs, t, owner).changes;
    },
    /** The end of an attempt; false when the lease was no longer ours. */
    settle(
      id: string,
      owner: string,
      to:
        | { state: "done" }
        | { state: "waiting"; runAt: number; error: string | null }
        | {
            state: "failed";
            error: string;
          },
    ): boolean {
      const t = now();
      if (to.state === "done") return q.done.run(t, id, owner).changes > 0;
      if (to.state === "waiting")
        return q.retry.run({ id, owner, runAt: to.runAt, error: to.error, now: t }).changes > 0;
      return q.fail.run({ id, owner, error: to.error, now: t }).changes > 0;
    },
    /** Deliveries in flight under an owner that `isDead` says is gone are waiting again. */
    releaseOwners(isDead: (owner: string) => boolean): string[] {
      const released: string[] = [];
      for (const row of q.running.all()) {
        if (isDead(row.lease_owner) && q.release.run(now(), row.id, row.lease_owner).changes > 0)
          released.push(row.id);
      }
      return released;
    },
    pending: () => q.pending.get()!.n,
    /** Copies committed WAL pages into the database file without blocking the intake. */
    checkpoint(): { walPages: number; copied: number } {
      const [row] = books.pragma("wal_checkpoint(PASSIVE)") as {
        log: number;
        checkpointed: number;
      }[];
      return { walPages: row?.log ?? 0, copied: row?.checkpointed ?? 0 };
    },
    prune(retentionMs: number): void {
      q.prune.run(now() - retentionMs);
    },
    /** For tests and diagnostics. */
    stateOf: (id: string) => q.state.get(id),
    close: () => books.close(),
  };
}
