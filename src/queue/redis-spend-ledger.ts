/**
 * The SpendLedger on Redis (when REDIS_URL is set), so every worker on every machine adds
 * to the same daily totals: one float counter per scope per UTC day, INCRBYFLOAT being
 * atomic, with an expiry (35 days) so old days clean themselves up. All scopes of one
 * call are added in one MULTI, so a repository's and its installation's totals agree.
 */
import type { Redis } from "ioredis";
import { spendDay } from "../core/index.js";
import type { Logger, SpendLedger, SpendScope } from "../core/index.js";
import { closeRedisClient, createRedisClient, redisUnreachable } from "./redis-connection.js";

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
    createRedisClient({ url: options.url!, ...(options.logger ? { logger: options.logger } : {}) });
  const where = options.url ?? `redis://${client.options.host}:${client.options.port}`;
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
      try {
        const results = await multi.exec();
        const failed = results?.find(([error]) => error);
        if (!results || failed) throw failed?.[0] ?? new Error("the transaction was discarded");
      } catch (error) {
        throw redisUnreachable(where, "add to the daily spend", error);
      }
    },

    async spentToday(scope, at = new Date()) {
      try {
        return Number((await client.get(keyOf(scope, at))) ?? 0);
      } catch (error) {
        throw redisUnreachable(where, "read the daily spend", error);
      }
    },

    async close() {
      if (ownsClient) await closeRedisClient(client);
    },
  };
}
