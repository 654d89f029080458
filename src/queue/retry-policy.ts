/**
 * When a failed job runs again. Retryable failures (GitHub 5xx, rate limits, a model
 * overload) come back after an exponential delay with jitter, so that a hundred jobs
 * failing together on one outage do not all return in the same second. User errors
 * (isRetryable false: bad config, no permission, nothing to change) and cancellations
 * never run again.
 */
import { CancelledError, PatchsmithError } from "../core/index.js";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 10_000,
  maxDelayMs: 10 * 60_000,
};

export function isRetryable(error: unknown): boolean {
  if (error instanceof CancelledError) return false;
  if (error instanceof PatchsmithError) return error.isRetryable;
  // An error nobody classified (a bug, a raw network failure): worth a bounded retry.
  return true;
}

/** The delay before attempt `attempt + 1`: base·2^(attempt-1), capped, times 0.5–1.5. */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential * (0.5 + random()));
}

/** Whether a job that failed on `attempt` with `error` runs again. */
export function shouldRetry(error: unknown, attempt: number, policy: RetryPolicy): boolean {
  return attempt < policy.maxAttempts && isRetryable(error);
}

/** Handling a delivery is a few GitHub calls: retries come sooner than a job's. Both inboxes. */
export const INBOX_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
};
