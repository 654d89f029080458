/**
 * One retry policy for every adapter: which failures may succeed on a second try, how long to
 * wait (the server's retry-after when it sends one, capped), and when to stop. The adapters used
 * to leave this to the SDK (Anthropic) or to a loop of their own (OpenAI-compatible); one policy
 * lets the circuit breaker see every failed attempt and lets a long retry-after hand the call to
 * the next provider instead of sleeping through it.
 */
import { CancelledError, type Logger } from "../core/index.js";
import type { CircuitBreaker } from "./circuit-breaker.js";

/** Statuses worth another attempt: timeout, conflict, rate limit, server errors, overloaded. */
export const RETRYABLE_STATUS = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

export interface RetryOptions {
  /** Further attempts after the first. */
  maxRetries: number;
  /** First backoff when the server gives no retry-after; doubles each attempt. */
  baseDelayMs: number;
  /** The longest wait honoured; a longer retry-after ends the retries (the fallback takes over). */
  maxDelayMs: number;
  breaker?: CircuitBreaker;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** The job's cancel: no further attempt, and the wait for one ends at once. */
  signal?: AbortSignal;
}

/** What one failed attempt means for the next. */
export interface AttemptFailure {
  retryable: boolean;
  /** From retry-after-ms / retry-after, when the server said. */
  retryAfterMs?: number;
  /** For the log line. */
  reason: string;
}

export const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** retry-after-ms (Anthropic, OpenAI), else retry-after in seconds or as an HTTP date. */
export function retryAfterMsOf(headers: { get(name: string): string | null } | undefined) {
  if (!headers) return undefined;
  const ms = Number(headers.get("retry-after-ms"));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const raw = headers.get("retry-after");
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(date - Date.now(), 0);
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the retries run out; then throws the last
 * error through `finalError`. A breaker that opens midway ends the retries at once.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  classify: (error: unknown) => AttemptFailure,
  options: RetryOptions,
): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const { signal } = options;
  const cancelled = () => new CancelledError("model call cancelled");
  for (let n = 0; ; n++) {
    if (signal?.aborted) throw cancelled();
    options.breaker?.assertClosed();
    try {
      const result = await attempt();
      options.breaker?.recordSuccess();
      return result;
    } catch (error) {
      // The attempt failed because the job was cancelled: not the provider's failure.
      if (signal?.aborted) throw cancelled();
      const failure = classify(error);
      if (!failure.retryable) throw error;
      options.breaker?.recordFailure();
      const backoff = Math.min(options.baseDelayMs * 2 ** n, options.maxDelayMs);
      const delay = failure.retryAfterMs ?? backoff;
      const tooLong = delay > options.maxDelayMs;
      if (n >= options.maxRetries || tooLong || options.breaker?.isOpen()) {
        if (tooLong)
          options.logger.warn(
            { retryAfterMs: delay, capMs: options.maxDelayMs },
            "retry-after is past the cap; not waiting",
          );
        throw error;
      }
      options.logger.info(
        { attempt: n + 1, delayMs: delay, reason: failure.reason },
        "model call failed; retrying",
      );
      await (signal ? sleepUnlessAborted(sleep, delay, signal) : sleep(delay));
    }
  }
}

/** The wait before a retry, cut short by the job's cancel (the loop then sees it and stops). */
async function sleepUnlessAborted(
  sleep: (ms: number) => Promise<void>,
  ms: number,
  signal: AbortSignal,
): Promise<void> {
  let onAbort = () => {};
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    await Promise.race([sleep(ms), aborted]);
  } finally {
    // The job's signal lives as long as the job: no listener left behind per retry.
    signal.removeEventListener("abort", onAbort);
  }
}
