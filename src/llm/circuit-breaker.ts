/**
 * A circuit breaker per provider, shared by every job of the process: after `threshold` failed
 * attempts in a row the provider is skipped for `cooldownMs`, then one call probes it again
 * (half-open). While it is open, calls fail at once with a retryable error that the fallback
 * chain hands to the next provider, instead of every job waiting out its own retries.
 */
import { ModelError } from "../core/index.js";

export interface CircuitBreakerOptions {
  /** Consecutive failed attempts that open the circuit. */
  threshold?: number;
  cooldownMs?: number;
  now?: () => number;
}

export class CircuitOpenError extends ModelError {}

export class CircuitBreaker {
  readonly provider: string;
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | undefined;

  constructor(provider: string, options: CircuitBreakerOptions = {}) {
    this.provider = provider;
    this.#threshold = options.threshold ?? 5;
    this.#cooldownMs = options.cooldownMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  get state(): "closed" | "open" | "half-open" {
    if (this.#openedAt === undefined) return "closed";
    return this.#now() - this.#openedAt >= this.#cooldownMs ? "half-open" : "open";
  }

  isOpen(): boolean {
    return this.state === "open";
  }

  /** Throws while open; a half-open circuit lets the call through as a probe. */
  assertClosed(): void {
    if (this.state !== "open") return;
    const seconds = Math.ceil((this.#cooldownMs - (this.#now() - this.#openedAt!)) / 1000);
    throw new CircuitOpenError(
      `circuit open for ${this.provider} after ${this.#failures} failures in a row`,
      {
        isRetryable: true,
        userMessage: `The model provider ${this.provider} failed ${this.#failures} times in a row, so patchsmith stopped calling it for ${seconds} s. The run will be retried later; configure a fallback provider (PATCHSMITH_FALLBACK) to keep working through outages.`,
      },
    );
  }

  recordSuccess(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
  }

  recordFailure(): void {
    this.#failures++;
    // A failed probe re-opens at once; otherwise open at the threshold.
    if (this.state === "half-open" || this.#failures >= this.#threshold)
      this.#openedAt = this.#now();
  }
}
