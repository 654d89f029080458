/**
 * The LanguageModel port over an OpenAI-compatible Chat Completions endpoint (vLLM, Ollama,
 * LiteLLM, OpenRouter, ...), for installations that do not use Anthropic. Plain fetch, no SDK.
 * Not streamed: servers differ too much in streamed tool calls; the per-request timeout is long
 * instead. Retries, retry-after and the circuit breaker follow retry-policy.ts, as for Anthropic.
 * The editor arrives as a function tool with the same name and commands.
 */
import {
  ModelError,
  silentLogger,
  type LanguageModel,
  type Logger,
  type ModelRequest,
  type ModelResponse,
} from "../core/index.js";
import { fromChatCompletion, toChatRequest, type ChatCompletion } from "./openai-mapping.js";
import type { CircuitBreaker } from "./circuit-breaker.js";
import { costAt, type Price, type PriceTable } from "./prices.js";
import { RETRYABLE_STATUS, retryAfterMsOf, withRetries } from "./retry-policy.js";

export interface OpenAICompatibleModelOptions {
  /** Sent as a Bearer token when given; local servers often need none. */
  apiKey?: string;
  /** Up to and including the version, e.g. http://localhost:8000/v1 */
  baseURL: string;
  model: string;
  modelsByStage?: Record<string, string>;
  logger?: Logger;
  maxRetries?: number;
  timeoutMs?: number;
  retryBaseDelayMs?: number;
  maxRetryDelayMs?: number;
  breaker?: CircuitBreaker;
  fetch?: typeof fetch;
  /** Dollars per million tokens, when the server's model has a price. */
  price?: Price;
  /** Looked up by model id when `price` is not given (configuration's PATCHSMITH_PRICES). */
  prices?: PriceTable;
}

/** Quota and size errors arrive as 429 and 400 too, and no retry can fix them. */
function isHopeless(status: number, detail: string): boolean {
  if (status === 413 || status === 402) return true;
  return /insufficient_quota|billing|exceeded your current quota|context_length_exceeded|maximum context length/i.test(
    detail,
  );
}

function errorFor(status: number, detail: string, baseURL: string, model: string): ModelError {
  const message = `model server ${baseURL} answered ${status}: ${detail}`.slice(0, 2000);
  if (status === 401 || status === 403) {
    return new ModelError(message, {
      userMessage: `The model server at ${baseURL} refused the API key (${status}). Check OPENAI_API_KEY (or the key of this fallback provider) and restart the worker.`,
    });
  }
  if (status === 404) {
    return new ModelError(message, {
      userMessage: `The model server at ${baseURL} does not know the model "${model}" (404). Check the model name, and that the base URL ends with the API version (e.g. /v1).`,
    });
  }
  if (/insufficient_quota|billing|exceeded your current quota/i.test(detail) || status === 402) {
    return new ModelError(message, {
      userMessage: `The account behind ${baseURL} has no quota or credit left (${status}). Add credit or raise the spend limit with the provider, then comment \`/generate\` again.`,
    });
  }
  if (status === 413 || /context_length_exceeded|maximum context length/i.test(detail)) {
    return new ModelError(message, {
      userMessage: `The prompt was too large for ${model} (${status}). Lower \`context.budgetTokens\` in .github/patchsmith.yml, or split the issue into smaller ones.`,
    });
  }
  if (RETRYABLE_STATUS.has(status)) {
    return new ModelError(message, {
      isRetryable: true,
      userMessage: `The model server at ${baseURL} is busy or failing (${status}) even after retries. The run will be retried later.`,
    });
  }
  return new ModelError(message, {
    userMessage: `The model server at ${baseURL} refused the request (${status}): ${detail.slice(0, 300)}`,
  });
}

class HttpFailure extends Error {
  constructor(
    readonly error: ModelError,
    readonly retryAfterMs: number | undefined,
  ) {
    super(error.message);
  }
}

export function createOpenAICompatibleModel(options: OpenAICompatibleModelOptions): LanguageModel {
  const logger = (options.logger ?? silentLogger).child({
    component: "llm",
    provider: "openai-compatible",
  });
  const doFetch = options.fetch ?? fetch;
  const url = `${options.baseURL.replace(/\/+$/, "")}/chat/completions`;
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;

  async function attempt(
    body: Record<string, unknown>,
    model: string,
    cancel: AbortSignal | undefined,
  ): Promise<ChatCompletion> {
    let response: Response;
    try {
      response = await doFetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify(body),
        signal: cancel
          ? AbortSignal.any([AbortSignal.timeout(timeoutMs), cancel])
          : AbortSignal.timeout(timeoutMs),
      });
      if (response.ok) return (await response.json()) as ChatCompletion;
    } catch (error) {
      const timedOut = (error as Error).name === "TimeoutError";
      throw new HttpFailure(
        new ModelError(
          `model server ${options.baseURL} ${timedOut ? "timed out" : "unreachable"}: ${(error as Error).message}`,
          {
            cause: error,
            isRetryable: true,
            userMessage: timedOut
              ? `The model server at ${options.baseURL} did not answer within ${Math.round(timeoutMs / 1000)} s, even after retries. The run will be retried later.`
              : `The model server at ${options.baseURL} could not be reached, or the answer broke off. The run will be retried; check that the server is up and reachable from the worker.`,
          },
        ),
        undefined,
      );
    }
    const detail = await response.text().catch(() => "");
    const error = errorFor(response.status, detail, options.baseURL, model);
    throw new HttpFailure(
      isHopeless(response.status, detail)
        ? new ModelError(error.message, { userMessage: error.userMessage })
        : error,
      retryAfterMsOf(response.headers),
    );
  }

  return {
    name: `openai-compatible:${options.model}`,
    async generate(request: ModelRequest): Promise<ModelResponse> {
      const model = request.model ?? options.modelsByStage?.[request.stage] ?? options.model;
      const started = Date.now();
      const body = toChatRequest(request, model);
      let completion: ChatCompletion;
      try {
        completion = await withRetries(
          () => attempt(body, model, request.signal),
          (failure) => {
            const error = failure instanceof HttpFailure ? failure.error : undefined;
            return {
              retryable: error?.isRetryable ?? false,
              ...(failure instanceof HttpFailure && failure.retryAfterMs !== undefined
                ? { retryAfterMs: failure.retryAfterMs }
                : {}),
              reason: String((failure as Error).message),
            };
          },
          {
            maxRetries: options.maxRetries ?? 4,
            baseDelayMs: options.retryBaseDelayMs ?? 500,
            maxDelayMs: options.maxRetryDelayMs ?? 60_000,
            logger,
            ...(options.breaker ? { breaker: options.breaker } : {}),
            ...(request.signal ? { signal: request.signal } : {}),
          },
        );
      } catch (error) {
        const mapped = error instanceof HttpFailure ? error.error : error;
        logger.warn(
          { stage: request.stage, model, ms: Date.now() - started, err: String(mapped) },
          "model call failed",
        );
        throw mapped;
      }
      const { content, stopReason, usage } = fromChatCompletion(completion);
      const answered = completion.model ?? model;
      const costUsd = options.price
        ? costAt(options.price, usage)
        : (options.prices?.costOf(answered, usage) ?? 0);
      logger.debug(
        { stage: request.stage, model, ms: Date.now() - started, stopReason, usage },
        "model call",
      );
      return { content, stopReason, usage, model: answered, costUsd };
    },
  };
}
