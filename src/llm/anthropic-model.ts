/**
 * The LanguageModel port over Anthropic's Messages API. Every call streams (long edits would
 * otherwise hit the SDK's non-streaming time limit) and returns the final message.
 *
 * Retries are ours, not the SDK's (its maxRetries is 0): one policy for every provider, the
 * circuit breaker sees every failed attempt, retry-after is honoured up to a cap, and a stream
 * that breaks after it started (an `error` event, or the connection dropping midway) is retried
 * as a whole call, which the SDK does not do.
 */
import Anthropic from "@anthropic-ai/sdk";
import {
  CancelledError,
  ModelError,
  silentLogger,
  type LanguageModel,
  type Logger,
  type ModelRequest,
  type ModelResponse,
} from "../core/index.js";
import {
  fromAnthropicContent,
  fromAnthropicStopReason,
  fromAnthropicUsage,
  toAnthropicParams,
} from "./anthropic-mapping.js";
import { toModelError } from "./anthropic-errors.js";
import type { CircuitBreaker } from "./circuit-breaker.js";
import { defaultPriceTable, type PriceTable } from "./prices.js";
import { retryAfterMsOf, withRetries } from "./retry-policy.js";

export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";

export interface AnthropicModelOptions {
  apiKey: string;
  /** Defaults to https://api.anthropic.com; never taken from the environment. */
  baseURL?: string;
  model: string;
  /** Model id per pipeline stage ("plan", "implement", ...); others use `model`. */
  modelsByStage?: Record<string, string>;
  logger?: Logger;
  /** Further attempts of a call that failed with a retryable error (429, 5xx, 529, a dropped stream). */
  maxRetries?: number;
  /** The whole of one attempt, streaming included. */
  timeoutMs?: number;
  /** First backoff when the API sends no retry-after; doubles per attempt. */
  retryBaseDelayMs?: number;
  /** Longest retry-after honoured; a longer one ends the retries so a fallback can serve. */
  maxRetryDelayMs?: number;
  breaker?: CircuitBreaker;
  prices?: PriceTable;
  fetch?: typeof fetch;
}

/** The SDK's own log lines go to our logger, at warn and above only (no request dumps). */
function sdkLogger(logger: Logger) {
  return {
    debug: () => {},
    info: () => {},
    warn: (message: string) => logger.warn({ source: "anthropic-sdk" }, message),
    error: (message: string) => logger.error({ source: "anthropic-sdk" }, message),
  };
}

class TimeoutSignal {
  readonly controller = new AbortController();
  fired = false;
  readonly #timer: NodeJS.Timeout;
  constructor(ms: number) {
    this.#timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort();
    }, ms);
  }
  clear(): void {
    clearTimeout(this.#timer);
  }
}

export function createAnthropicModel(options: AnthropicModelOptions): LanguageModel {
  const maxRetries = options.maxRetries ?? 4;
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const prices = options.prices ?? defaultPriceTable;
  const logger = (options.logger ?? silentLogger).child({
    component: "llm",
    provider: "anthropic",
  });
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? ANTHROPIC_DEFAULT_BASE_URL,
    maxRetries: 0,
    timeout: timeoutMs,
    logLevel: "warn",
    logger: sdkLogger(logger),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const unpriced = new Set<string>();

  /** One streamed attempt; every failure leaves as a ModelError that says whether to retry. */
  async function attempt(
    params: ReturnType<typeof toAnthropicParams>,
    model: string,
    cancel: AbortSignal | undefined,
  ): Promise<Anthropic.Messages.Message> {
    const timeout = new TimeoutSignal(timeoutMs);
    let started = false;
    try {
      const signal = cancel
        ? AbortSignal.any([timeout.controller.signal, cancel])
        : timeout.controller.signal;
      const stream = client.messages.stream(params, { signal });
      stream.on("connect", () => {
        started = true;
      });
      return await stream.finalMessage();
    } catch (error) {
      if (timeout.fired) {
        throw new ModelError(`Anthropic API call timed out after ${timeoutMs} ms`, {
          cause: error,
          isRetryable: true,
          userMessage:
            "The Anthropic API did not finish answering in time, even after retries. The run will be retried later; if it keeps timing out, make the issue smaller.",
        });
      }
      const mapped = toModelError(error, model);
      const hasStatus = error instanceof Anthropic.APIError && error.status !== undefined;
      if (started && !hasStatus && !mapped.isRetryable) {
        // The connection dropped or the stream ended early: the request itself was fine.
        throw new ModelError(`Anthropic stream broke off: ${mapped.message}`, {
          cause: error,
          isRetryable: true,
          userMessage:
            "The connection to the Anthropic API kept breaking off mid-answer. The run will be retried later.",
        });
      }
      throw mapped;
    } finally {
      timeout.clear();
    }
  }

  return {
    name: `anthropic:${options.model}`,
    async generate(request: ModelRequest): Promise<ModelResponse> {
      const model = request.model ?? options.modelsByStage?.[request.stage] ?? options.model;
      const params = toAnthropicParams(request, model);
      const started = Date.now();
      let message: Anthropic.Messages.Message;
      try {
        message = await withRetries(
          () => attempt(params, model, request.signal),
          (error) => {
            const cause = error instanceof ModelError ? error.cause : undefined;
            const headers = cause instanceof Anthropic.APIError ? cause.headers : undefined;
            const retryAfterMs = retryAfterMsOf(headers ?? undefined);
            return {
              retryable: error instanceof ModelError && error.isRetryable,
              ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
              reason: error instanceof Error ? error.message : String(error),
            };
          },
          {
            maxRetries,
            baseDelayMs: options.retryBaseDelayMs ?? 500,
            maxDelayMs: options.maxRetryDelayMs ?? 60_000,
            logger,
            ...(options.breaker ? { breaker: options.breaker } : {}),
            ...(request.signal ? { signal: request.signal } : {}),
          },
        );
      } catch (error) {
        if (error instanceof CancelledError) throw error;
        const mapped = toModelError(error, model);
        logger.warn(
          {
            stage: request.stage,
            model,
            ms: Date.now() - started,
            retryable: mapped.isRetryable,
            err: mapped.message,
          },
          "model call failed",
        );
        throw mapped;
      }
      const usage = fromAnthropicUsage(message.usage);
      const priced = prices.priceFor(message.model) ? message.model : model;
      if (!prices.priceFor(priced) && !unpriced.has(model)) {
        unpriced.add(model);
        logger.warn(
          { model },
          "no price known for this model; its cost is counted as 0 (set PATCHSMITH_PRICES)",
        );
      }
      const costUsd = prices.costOf(priced, usage);
      const response: ModelResponse = {
        content: fromAnthropicContent(message.content),
        stopReason: fromAnthropicStopReason(message.stop_reason),
        usage,
        model: message.model || model,
        costUsd,
      };
      logger.debug(
        {
          stage: request.stage,
          model: message.model || model,
          ms: Date.now() - started,
          stopReason: response.stopReason,
          usage,
          costUsd,
        },
        "model call",
      );
      return response;
    },
  };
}
