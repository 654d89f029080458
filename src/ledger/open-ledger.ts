/**
 * Which spend ledger a process uses: the SQLite file in the data directory, which every
 * process on this machine shares, unless REDIS_URL names a Redis and a Redis ledger is
 * given, which every machine shares.
 */
import path from "node:path";
import type { Logger, SpendLedger } from "../core/index.js";
import { openSqliteSpendLedger, SPEND_LEDGER_FILE } from "./sqlite-ledger.js";
import { unavailableSpendLedger } from "./unavailable-ledger.js";

export interface SpendLedgerSettings {
  dataDir: string;
  redisUrl?: string | undefined;
  /**
   * Makes the Redis ledger for REDIS_URL (src/queue/ has it; the composition root passes
   * it in, so this folder does not depend on Redis).
   */
  redis?: (url: string) => SpendLedger;
  retentionDays?: number;
  logger?: Logger;
}

export function openSpendLedger(settings: SpendLedgerSettings): SpendLedger {
  if (settings.redisUrl && settings.redis) return settings.redis(settings.redisUrl);
  if (settings.redisUrl) {
    // Not an error: jobs still run and each machine holds its own daily totals, but a
    // budget shared by several machines is then only enforced per machine.
    settings.logger?.warn(
      { dataDir: settings.dataDir },
      "REDIS_URL is set but no Redis spend ledger is wired: daily budgets count this machine's spend only",
    );
  }
  return openSqliteSpendLedger({
    file: path.join(settings.dataDir, SPEND_LEDGER_FILE),
    ...(settings.retentionDays !== undefined ? { retentionDays: settings.retentionDays } : {}),
  });
}

/**
 * The ledger as a job handler holds it: opened at its first use (a process that runs no
 * model call creates no file), and tried again at the next use when opening failed (a data
 * directory not writable yet, a full disk), the failure said in the log and, through the
 * daily budget, in the status comment of a run that has one.
 */
export function openSpendLedgerLazily(settings: SpendLedgerSettings): SpendLedger {
  let opened: SpendLedger | undefined;
  const ledger = (): SpendLedger => {
    if (opened) return opened;
    try {
      opened = openSpendLedger(settings);
      return opened;
    } catch (error) {
      settings.logger?.error({ err: String(error) }, "could not open the spend ledger");
      return unavailableSpendLedger(error);
    }
  };
  return {
    add: (scopes, usd, at) => ledger().add(scopes, usd, at),
    spentToday: (scope, at) => ledger().spentToday(scope, at),
    async close() {
      const current = opened;
      opened = undefined;
      await current?.close();
    },
  };
}
