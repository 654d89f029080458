import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { CancelledError, silentLogger } from "../../../src/core/index.js";
import { withRetries } from "../../../src/llm/retry-policy.js";

const options = (signal: AbortSignal, sleep: (ms: number) => Promise<void>) => ({
  maxRetries: 3,
  baseDelayMs: 1,
  maxDelayMs: 1_000,
  logger: silentLogger,
  sleep,
  signal,
});
const retryable = () => ({ retryable: true, reason: "overloaded" });

describe("withRetries and the job's cancel signal", () => {
  it("leaves no listener on the job's signal after waits that ran out", async () => {
    const cancel = new AbortController();
    let attempts = 0;
    const result = await withRetries(
      async () => {
        if (++attempts < 3) throw new Error("overloaded");
        return "ok";
      },
      retryable,
      options(cancel.signal, () => Promise.resolve()),
    );
    expect(result).toBe("ok");
    expect(attempts).toBe(3);
    expect(getEventListeners(cancel.signal, "abort")).toHaveLength(0);
  });

  it("a cancel during the wait ends it: no further attempt, a CancelledError", async () => {
    const cancel = new AbortController();
    let attempts = 0;
    const error = await withRetries(
      async () => {
        attempts++;
        throw new Error("overloaded");
      },
      retryable,
      // A wait that never ends by itself.
      options(cancel.signal, () => {
        cancel.abort();
        return new Promise(() => {});
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect(attempts).toBe(1);
  });
});
