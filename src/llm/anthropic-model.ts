/**
 * The LanguageModel port over Anthropic's Messages API. Every call streams (long edits would
 * otherwise hit the SDK's non-streaming time limit) and returns the final message.
 */
import Anthropic from "@anthropic-ai/sdk";
import {
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
import { costOf, priceFor } from "./prices.js";

export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";

export interface AnthropicModelOptions {
  apiKey: string;
  /** Defaults to https://api.anthropic.com; never taken from the environment. */
  baseURL?: string;
  model: string;
  /** Model id per pipeline stage ("plan", "implement", ...); others use `model`. */
  modelsByStage?: Record<string, string>;
  logger?: Logger;
  /** Retries of 429, 5xx, overloaded and connection errors, done by the SDK. */
  maxRetries?: number;
  timeoutMs?: number;
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

/**
 * The SDK retries failed responses, but not an `error` event that arrives inside a stream that
 * had started with 200 (the API sends overloaded_error that way under load): retry those here.
 */
const MID_STREAM_RETRYABLE = new Set(["overloaded_error", "api_error", "rate_limit_error"]);

async function streamWithRetry<T>(
  call: () => Promise<T>,
  maxRetries: number,
  logger: Logger,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const midStream =
        error instanceof Anthropic.APIError &&
        error.status === undefined &&
        MID_STREAM_RETRYABLE.has(error.type ?? "");
      if (!midStream || attempt >= maxRetries) throw error;
      const delay = Math.min(500 * 2 ** attempt, 8000);
      logger.info(
        {
          attempt: attempt + 1,
          delayMs: delay,
          type: (error as InstanceType<typeof Anthropic.APIError>).type,
        },
        "stream failed mid-way; retrying",
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

export function createAnthropicModel(options: AnthropicModelOptions): LanguageModel {
  const maxRetries = options.maxRetries ?? 4;
  const logger = (options.logger ?? silentLogger).child({
    component: "llm",
    provider: "anthropic",
  });
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? ANTHROPIC_DEFAULT_BASE_URL,
    maxRetries,
    timeout: options.timeoutMs ?? 10 * 60_000,
    logLevel: "warn",
    logger: sdkLogger(logger),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const unpriced = new Set<string>();

  return {
    name: `anthropic:${options.model}`,
    async generate(request: ModelRequest): Promise<ModelResponse> {
      const model = options.modelsByStage?.[request.stage] ?? options.model;
      const params = toAnthropicParams(request, model);
      const started = Date.now();
      let message: Anthropic.Messages.Message;
      try {
        message = await streamWithRetry(
          () => client.messages.stream(params).finalMessage(),
          maxRetries,
          logger,
        );
      } catch (error) {
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
      if (!priceFor(message.model) && !priceFor(model) && !unpriced.has(model)) {
        unpriced.add(model);
        logger.warn({ model }, "no price known for this model; its cost is counted as 0");
      }
      const costUsd = costOf(priceFor(message.model) ? message.model : model, usage);
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
