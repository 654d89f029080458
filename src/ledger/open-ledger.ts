/**
 * Which spend ledger a process uses: the SQLite file in the data directory, which every
 * process on this machine shares, unless REDIS_URL names a Redis and a Redis ledger is
 * given, which every machine shares.
 */
import path from "node:path";
import type { Logger, SpendLedger } from "../core/index.js";
import { openSqliteSpendLedger, SPEND_LEDGER_FILE } from "./sqlite-ledger.js";

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
