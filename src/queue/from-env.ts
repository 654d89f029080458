/**
 * Which queue a process uses: the durable SQLite queue in the data directory unless
 * REDIS_URL names a Redis (BullMQ). The in-process queue is only for tests and `run`.
 */
import path from "node:path";
import { ConfigError } from "../core/index.js";
import type { Inbox, JobQueue, Logger } from "../core/index.js";
import { createRedisInbox } from "./redis-inbox.js";
import { createRedisQueue } from "./redis-queue.js";
import { createSqliteInbox } from "./sqlite-inbox.js";
import { createSqliteQueue } from "./sqlite-queue.js";

export interface QueueSettings {
  dataDir: string;
  redisUrl?: string;
  logger: Logger;
  /** How long SIGTERM waits for running jobs before handing them back. */
  graceMs?: number;
}

export const QUEUE_FILE = "queue.sqlite";
/** Its own file, so storing a delivery never waits behind the workers' writes to the queue. */
export const INBOX_FILE = "inbox.sqlite";

export function openQueue(settings: QueueSettings): JobQueue {
  if (settings.redisUrl) {
    if (!/^rediss?:\/\//.test(settings.redisUrl)) {
      throw new ConfigError("environment", [
        "REDIS_URL must look like redis://[user:password@]host:port[/db] (or rediss:// for TLS)",
      ]);
    }
    return createRedisQueue({
      url: settings.redisUrl,
      logger: settings.logger,
      ...(settings.graceMs !== undefined ? { graceMs: settings.graceMs } : {}),
    });
  }
  return createSqliteQueue({
    file: path.join(settings.dataDir, QUEUE_FILE),
    logger: settings.logger,
    ...(settings.graceMs !== undefined ? { graceMs: settings.graceMs } : {}),
  });
}

/** Where the receiver stores webhook deliveries before it answers them (see core/inbox.ts). */
export function openInbox(
  settings: QueueSettings,
  /** `owner`, `stoppedOwners`: the processor thread's lease identity (see LeasedWorkOptions). */
  options: { storesDeliveries?: boolean; owner?: string; stoppedOwners?: readonly string[] } = {},
): Inbox {
  const leases = {
    ...(options.owner !== undefined ? { owner: options.owner } : {}),
    ...(options.stoppedOwners !== undefined ? { stoppedOwners: options.stoppedOwners } : {}),
  };
  if (settings.redisUrl) {
    // Every process may store into Redis; `storesDeliveries` only concerns the SQLite writer.
    return createRedisInbox({
      url: settings.redisUrl,
      logger: settings.logger,
      ...(settings.graceMs !== undefined ? { graceMs: settings.graceMs } : {}),
      ...leases,
    });
  }
  return createSqliteInbox({
    ...leases,
    file: path.join(settings.dataDir, INBOX_FILE),
    logger: settings.logger,
    ...(settings.graceMs !== undefined ? { graceMs: settings.graceMs } : {}),
    ...(options.storesDeliveries !== undefined
      ? { storesDeliveries: options.storesDeliveries }
      : {}),
  });
}
