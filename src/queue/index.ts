export { createInProcessQueue, type InProcessQueueOptions } from "./in-process.js";
export {
  DELIVERY_RETENTION_MS,
  createSqliteQueue,
  type SqliteQueue,
  type SqliteQueueOptions,
} from "./sqlite-queue.js";
export {
  DEFAULT_RETRY,
  INBOX_RETRY,
  backoffDelay,
  isRetryable,
  shouldRetry,
  type RetryPolicy,
} from "./retry-policy.js";
export { decide, type ActiveJob } from "./fold-policy.js";
export { INBOX_FILE, QUEUE_FILE, openInbox, openQueue, type QueueSettings } from "./from-env.js";
export { createSqliteInbox, type SqliteInbox, type SqliteInboxOptions } from "./sqlite-inbox.js";
export { isDeadLocalOwner, ownerId } from "./lease-owner.js";
export {
  RedisUnavailableError,
  createRedisClient,
  redactRedisUrl,
  redisCall,
  redisCommandOptions,
  redisWorkerOptions,
  type RedisConnectionSettings,
} from "./redis-connection.js";
export { createRedisQueue, type RedisQueue, type RedisQueueOptions } from "./redis-queue.js";
export type { RedisJobRecord, RedisJobState, RedisStore } from "./redis-store.js";
export { closeRedisClient, ownRedisClient } from "./redis-lifecycle.js";
export {
  REDIS_INBOX_PREFIX,
  createRedisInbox,
  type RedisInbox,
  type RedisInboxOptions,
} from "./redis-inbox.js";
export {
  REDIS_SPEND_PREFIX,
  SPEND_RETENTION_SECONDS,
  createRedisSpendLedger,
  type RedisSpendLedger,
  type RedisSpendLedgerOptions,
} from "./redis-spend-ledger.js";
