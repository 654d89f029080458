/**
 * The SpendLedger on one SQLite file in the data directory (WAL), so every process on the
 * machine (`serve`, `worker`, `patchsmith run`) adds to and reads the same daily totals.
 * Each add is one short IMMEDIATE transaction that upserts a row per scope and UTC day;
 * days older than the retention are pruned on open and when the day changes.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { spendDay, type SpendLedger, type SpendScope } from "../core/index.js";

export const SPEND_LEDGER_FILE = "spend.sqlite";
export const DEFAULT_RETENTION_DAYS = 35;

export interface SqliteSpendLedgerOptions {
  /** A path, or ":memory:" (tests). */
  file: string;
  /** Days kept, today included; older days are deleted. */
  retentionDays?: number;
  now?: () => Date;
}

export interface SqliteSpendLedger extends SpendLedger {
  /** Deletes the days before the retention window of `at`; returns how many rows went. */
  prune(at?: Date): number;
  /** The days that have rows, oldest first (tests, operators). */
  days(): string[];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS spend (
  day TEXT NOT NULL,
  kind TEXT NOT NULL,
  scope TEXT NOT NULL,
  usd REAL NOT NULL,
  calls INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (day, kind, scope)
) WITHOUT ROWID;
`;

const DAY_MS = 86_400_000;

export function openSqliteSpendLedger(options: SqliteSpendLedgerOptions): SqliteSpendLedger {
  const now = options.now ?? (() => new Date());
  const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  if (options.file !== ":memory:") mkdirSync(path.dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  db.pragma("journal_mode = WAL");
  // NORMAL: in WAL mode a crash of the process loses nothing; a power cut may lose the last
  // calls, which only makes a daily budget a little more generous that day.
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.exec(SCHEMA);

  const upsert = db.prepare<[string, string, string, number, number]>(
    `INSERT INTO spend (day, kind, scope, usd, calls, updated_at) VALUES (?, ?, ?, ?, 1, ?)
     ON CONFLICT(day, kind, scope) DO UPDATE SET usd = usd + excluded.usd, calls = calls + 1,
       updated_at = excluded.updated_at`,
  );
  const select = db.prepare<[string, string, string], { usd: number }>(
    "SELECT usd FROM spend WHERE day = ? AND kind = ? AND scope = ?",
  );
  const deleteBefore = db.prepare<[string]>("DELETE FROM spend WHERE day < ?");
  const listDays = db.prepare<[], { day: string }>("SELECT DISTINCT day FROM spend ORDER BY day");
  const addAll = db.transaction((day: string, scopes: readonly SpendScope[], usd: number) => {
    const at = Date.now();
    for (const scope of scopes) upsert.run(day, scope.kind, scope.id, usd, at);
  });

  let prunedFor: string | undefined;
  let closed = false;
  const prune = (at: Date = now()): number => {
    const cutoff = spendDay(new Date(at.getTime() - (retentionDays - 1) * DAY_MS));
    prunedFor = spendDay(at);
    return deleteBefore.run(cutoff).changes;
  };
  prune();

  return {
    async add(scopes, usd, at = now()) {
      // A free call (a local model, a replay) changes no total.
      if (!(usd > 0) || scopes.length === 0) return;
      const day = spendDay(at);
      if (day !== prunedFor) prune(at);
      addAll.immediate(day, scopes, usd);
    },
    async spentToday(scope, at = now()) {
      return select.get(spendDay(at), scope.kind, scope.id)?.usd ?? 0;
    },
    prune,
    days: () => listDays.all().map((row) => row.day),
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
