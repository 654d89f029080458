/**
 * The SpendLedger on Redis (when REDIS_URL is set), so every worker on every machine adds
 * to the same daily totals: one float counter per scope per UTC day, INCRBYFLOAT being
 * atomic, with an expiry (35 days) so old days clean themselves up. All scopes of one
 * call are added in one MULTI, so a repository's and its installation's totals agree.
 */
import type { Redis } from "ioredis";
import { silentLogger, spendDay } from "../core/index.js";
import type { Logger, SpendLedger, SpendScope } from "../core/index.js";
import { redisCall } from "./redis-connection.js";
import { closeRedisClient, ownRedisClient, urlOfClient } from "./redis-lifecycle.js";

export const SPEND_RETENTION_SECONDS = 35 * 24 * 60 * 60;
export const REDIS_SPEND_PREFIX = "patchsmith:spend";

export interface RedisSpendLedgerOptions {
  /** REDIS_URL; the ledger then owns (and closes) its client. */
  url?: string;
  /** A client to use instead (its owner closes it). */
  client?: Redis;
  logger?: Logger;
  prefix?: string;
}

export type RedisSpendLedger = SpendLedger & { readonly client: Redis };

export function createRedisSpendLedger(options: RedisSpendLedgerOptions): RedisSpendLedger {
  if (!options.client && !options.url)
    throw new Error("createRedisSpendLedger needs a url or a client");
  const ownsClient = !options.client;
  const client =
    options.client ??
    ownRedisClient(options.url!, options.logger ?? silentLogger, "patchsmith-spend");
  const where = options.url ?? urlOfClient(client);
  const prefix = options.prefix ?? REDIS_SPEND_PREFIX;
  // The id is encoded so that an `owner/name` with a colon cannot collide with another scope.
  const keyOf = (scope: SpendScope, at: Date) =>
    `${prefix}:${spendDay(at)}:${scope.kind}:${encodeURIComponent(scope.id)}`;

  return {
    client,

    async add(scopes, usd, at = new Date()) {
      if (scopes.length === 0 || usd === 0) return;
      if (!Number.isFinite(usd) || usd < 0) throw new Error(`a spend must be >= 0 USD, got ${usd}`);
      const multi = client.multi();
      for (const scope of scopes) {
        const key = keyOf(scope, at);
        multi.incrbyfloat(key, usd);
        multi.expire(key, SPEND_RETENTION_SECONDS);
      }
      const results = await redisCall(where, () => multi.exec());
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error("the spend transaction was discarded");
    },

    async spentToday(scope, at = new Date()) {
      return Number((await redisCall(where, () => client.get(keyOf(scope, at)))) ?? 0);
    },

    async close() {
      if (ownsClient) await closeRedisClient(client);
    },
  };
}
