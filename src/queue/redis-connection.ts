/**
 * One ioredis client from REDIS_URL, set up to fail fast. ioredis's defaults queue a
 * command while it reconnects and retry it 20 times, so a Redis that is down makes a
 * call hang for a long time; the receiver must instead answer 5xx within seconds (GitHub
 * then records a failed delivery that can be sent again). So: a command is given one
 * reconnection (`maxRetriesPerRequest: 1`) and a timeout, connecting gives up after
 * `connectTimeoutMs`, and reconnection keeps trying in the background, at most a second
 * apart, so calls succeed again as soon as Redis is back.
 */
import { Redis, type RedisOptions } from "ioredis";
import { PatchsmithError } from "../core/index.js";
import type { Logger } from "../core/index.js";

export interface RedisConnectionOptions {
  url: string;
  logger?: Logger;
  /** A TCP connect that takes longer fails (ms). */
  connectTimeoutMs?: number;
  /** A command without an answer after this long fails (ms). */
  commandTimeoutMs?: number;
  /** Extra ioredis options (BullMQ workers need `maxRetriesPerRequest: null`). */
  overrides?: Partial<RedisOptions>;
}

export const REDIS_CONNECT_TIMEOUT_MS = 3_000;
export const REDIS_COMMAND_TIMEOUT_MS = 5_000;

/** The fail-fast options, for code that must build the client itself. */
export function failFastRedisOptions(
  options: Omit<RedisConnectionOptions, "url" | "logger"> = {},
): RedisOptions {
  return {
    connectTimeout: options.connectTimeoutMs ?? REDIS_CONNECT_TIMEOUT_MS,
    commandTimeout: options.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS,
    // Queued while (re)connecting, but failed after one reconnection attempt, not 20.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (times: number) => Math.min(100 * times, 1_000),
    ...options.overrides,
  };
}

export function createRedisClient(options: RedisConnectionOptions): Redis {
  const client = new Redis(options.url, failFastRedisOptions(options));
  let down = false;
  client.on("error", (error: Error) => {
    // ioredis emits an error per failed reconnection; one log line per outage is enough.
    if (down) return;
    down = true;
    options.logger?.error(
      { err: error.message, redis: redactRedisUrl(options.url) },
      "Redis is unreachable; retrying in the background",
    );
  });
  client.on("ready", () => {
    if (down) options.logger?.info({ redis: redactRedisUrl(options.url) }, "Redis is back");
    down = false;
  });
  return client;
}

/** The URL without its password, for logs and error messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "REDIS_URL";
  }
}

/** What a failed Redis call becomes: retryable, and saying which Redis and what to check. */
export function redisUnreachable(url: string, action: string, cause: unknown): PatchsmithError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  const where = redactRedisUrl(url);
  return new PatchsmithError(
    `Redis at REDIS_URL (${where}) is unreachable: could not ${action}: ${detail}`,
    {
      isRetryable: true,
      cause,
      userMessage: `Redis at REDIS_URL (${where}) is unreachable. Check that Redis is running and REDIS_URL is right; GitHub records the delivery as failed, and \`patchsmith redeliver\` sends it again.`,
    },
  );
}

/** Closes a client politely, and at once when Redis is gone (QUIT would wait for it). */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === "ready") {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}
