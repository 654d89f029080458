/**
 * Which queue a process uses: the durable SQLite queue in the data directory unless
 * REDIS_URL names a Redis (BullMQ). The in-process queue is only for tests and `run`.
 */
import path from "node:path";
import { ConfigError } from "../core/index.js";
import type { JobQueue, Logger } from "../core/index.js";
import { createRedisQueue } from "./redis-queue.js";
import { createSqliteQueue } from "./sqlite-queue.js";

export interface QueueSettings {
  dataDir: string;
  redisUrl?: string;
  logger: Logger;
  /** How long SIGTERM waits for running jobs before handing them back. */
  graceMs?: number;
}

export const QUEUE_FILE = "queue.sqlite";

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
