/**
 * Redis clients made from REDIS_URL, set up to fail promptly when Redis cannot be reached.
 * A receiver must answer GitHub with a 5xx within seconds when Redis is down (GitHub then
 * records a failed delivery that `patchsmith redeliver` can send again) instead of holding
 * the request while ioredis buffers commands and reconnects forever.
 *
 * - `commandTimeout`: a command that has no answer in time rejects, also when it waits in
 *   the offline queue behind a connection that is still being made (ioredis arms the timer
 *   when the command is issued), and also behind a dead socket that never sends a reset.
 * - `maxRetriesPerRequest: 1`: a command is re-sent across at most one reconnect.
 * - `enableOfflineQueue: true`: commands issued while the first connection is being made
 *   wait for it (bounded by commandTimeout) instead of failing at start-up.
 * - `connectTimeout`: a host that drops packets is given up on quickly; reconnects go on in
 *   the background (capped backoff), so the process recovers when Redis comes back.
 *
 * Blocking connections (BullMQ's worker) need `maxRetriesPerRequest: null` and no command
 * timeout: `redisWorkerOptions` gives those.
 */
import { Redis, type RedisOptions } from "ioredis";
import { PatchsmithError } from "../core/index.js";

export interface RedisConnectionSettings {
  /** A command (or the wait for a connection) fails after this long. */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Shown in CLIENT LIST, so an operator can tell receivers from workers. */
  connectionName?: string;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 3000;
const DEFAULT_CONNECT_TIMEOUT_MS = 2000;

/** Reconnect soon, then every 2 s at most: never give up, never hammer. */
const reconnectDelay = (times: number) => Math.min(2000, 50 * 2 ** Math.min(times, 6));

/** REDIS_URL without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "(an unparsable REDIS_URL)";
  }
}

/** Options for a client that runs short commands and must fail fast. */
export function redisCommandOptions(settings: RedisConnectionSettings = {}): RedisOptions {
  return {
    commandTimeout: settings.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    connectTimeout: settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: reconnectDelay,
    ...(settings.connectionName ? { connectionName: settings.connectionName } : {}),
  };
}

/** Options for BullMQ's worker connections (blocking commands; BullMQ insists on null retries). */
export function redisWorkerOptions(settings: RedisConnectionSettings = {}): RedisOptions {
  return {
    connectTimeout: settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: reconnectDelay,
    ...(settings.connectionName ? { connectionName: settings.connectionName } : {}),
  };
}

/**
 * A client for short commands. Connection errors are logged by the caller's `onError`
 * (ioredis emits one per failed reconnect; without a listener Node prints each one).
 */
export function createRedisClient(
  url: string,
  settings: RedisConnectionSettings & { onError?: (error: Error) => void } = {},
): Redis {
  const client = new Redis(url, redisCommandOptions(settings));
  client.on("error", settings.onError ?? (() => undefined));
  return client;
}

/** Redis did not answer: retryable, and the user is told what is wrong. */
export class RedisUnavailableError extends PatchsmithError {
  constructor(url: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Redis at ${redactRedisUrl(url)} did not answer: ${reason}`, {
      userMessage: `patchsmith could not store this request: Redis at REDIS_URL (${redactRedisUrl(url)}) is unreachable. Check that Redis is running and reachable from patchsmith; GitHub can redeliver this webhook once it is.`,
      isRetryable: true,
      cause,
    });
  }
}

/**
 * Runs a Redis operation, turning a connection failure or timeout into RedisUnavailableError.
 * `timeoutMs` bounds operations made of several commands, or ones a library runs on its own
 * connection (BullMQ waits for its connection to be ready without a limit).
 */
export async function redisCall<T>(
  url: string,
  operation: () => Promise<T>,
  timeoutMs?: number,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    if (timeoutMs === undefined) return await operation();
    return await Promise.race([
      operation(),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    // A reply error means Redis answered (a script or command is wrong): not an outage.
    if (error instanceof PatchsmithError || (error instanceof Error && error.name === "ReplyError"))
      throw error;
    throw new RedisUnavailableError(url, error);
  } finally {
    clearTimeout(timer);
  }
}
