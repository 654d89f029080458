/**
 * The LanguageModel port over an OpenAI-compatible Chat Completions endpoint (vLLM, Ollama,
 * LiteLLM, OpenRouter, ...), for installations that do not use Anthropic. Plain fetch, no SDK.
 * Not streamed: servers differ too much in streamed tool calls; the timeout is long instead.
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
import { costAt, type Price } from "./prices.js";

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
  fetch?: typeof fetch;
  /** Dollars per million tokens, when the server's model has a price. */
  price?: Price;
}

const RETRYABLE_STATUS = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

function retryDelayMs(response: Response | undefined, attempt: number): number {
  const ms = Number(response?.headers.get("retry-after-ms"));
  if (ms > 0) return Math.min(ms, 60_000);
  const seconds = Number(response?.headers.get("retry-after"));
  if (seconds > 0) return Math.min(seconds * 1000, 60_000);
  return Math.min(500 * 2 ** attempt, 8000);
}

function errorFor(status: number, detail: string, baseURL: string, model: string): ModelError {
  const message = `model server ${baseURL} answered ${status}: ${detail}`.slice(0, 2000);
  if (status === 401 || status === 403) {
    return new ModelError(message, {
      userMessage: `The model server at ${baseURL} refused the API key (${status}). Check the key configured for it.`,
    });
  }
  if (status === 404) {
    return new ModelError(message, {
      userMessage: `The model server at ${baseURL} does not know the model "${model}" (404). Check the model name, and that the base URL ends with the API version (e.g. /v1).`,
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

export function createOpenAICompatibleModel(options: OpenAICompatibleModelOptions): LanguageModel {
  const logger = (options.logger ?? silentLogger).child({
    component: "llm",
    provider: "openai-compatible",
  });
  const doFetch = options.fetch ?? fetch;
  const url = `${options.baseURL.replace(/\/+$/, "")}/chat/completions`;
  const maxRetries = options.maxRetries ?? 4;

  async function post(body: Record<string, unknown>, model: string): Promise<ChatCompletion> {
    for (let attempt = 0; ; attempt++) {
      let response: Response | undefined;
      try {
        response = await doFetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10 * 60_000),
        });
      } catch (error) {
        if (attempt < maxRetries) {
          await new Promise((r) => setTimeout(r, retryDelayMs(undefined, attempt)));
          continue;
        }
        throw new ModelError(
          `model server ${options.baseURL} unreachable: ${(error as Error).message}`,
          {
            cause: error,
            isRetryable: true,
            userMessage: `The model server at ${options.baseURL} could not be reached. The run will be retried; check that the server is up and reachable from the worker.`,
          },
        );
      }
      if (response.ok) return (await response.json()) as ChatCompletion;
      const detail = await response.text().catch(() => "");
      if (RETRYABLE_STATUS.has(response.status) && attempt < maxRetries) {
        logger.info(
          { status: response.status, attempt: attempt + 1 },
          "model server busy; retrying",
        );
        await new Promise((r) => setTimeout(r, retryDelayMs(response, attempt)));
        continue;
      }
      throw errorFor(response.status, detail, options.baseURL, model);
    }
  }

  return {
    name: `openai-compatible:${options.model}`,
    async generate(request: ModelRequest): Promise<ModelResponse> {
      const model = options.modelsByStage?.[request.stage] ?? options.model;
      const started = Date.now();
      const completion = await post(toChatRequest(request, model), model);
      const { content, stopReason, usage } = fromChatCompletion(completion);
      const costUsd = costAt(options.price, usage);
      logger.debug(
        { stage: request.stage, model, ms: Date.now() - started, stopReason, usage },
        "model call",
      );
      return { content, stopReason, usage, model: completion.model ?? model, costUsd };
    },
  };
}
