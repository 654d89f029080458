/**
 * SDK errors -> ModelError with a userMessage that says what to do. isRetryable decides both
 * whether the adapter tries the call again (see retry-policy.ts) and, once its retries are
 * spent, whether the fallback chain and the queue may try later.
 */
import Anthropic from "@anthropic-ai/sdk";
import { ModelError } from "../core/index.js";

const RETRYABLE_TYPES = new Set([
  "overloaded_error",
  "rate_limit_error",
  "api_error",
  "timeout_error",
]);

function apiMessageOf(error: InstanceType<typeof Anthropic.APIError>): string {
  return error.apiMessage ?? error.message;
}

export function toModelError(error: unknown, model: string): ModelError {
  if (error instanceof ModelError) return error;
  if (error instanceof Anthropic.APIUserAbortError) {
    return new ModelError("model call aborted", {
      cause: error,
      userMessage: "The run was cancelled while the model was answering.",
    });
  }
  if (error instanceof Anthropic.APIConnectionError) {
    const timeout = error instanceof Anthropic.APIConnectionTimeoutError;
    return new ModelError(
      `Anthropic API ${timeout ? "timed out" : "unreachable"}: ${error.message}`,
      {
        cause: error,
        isRetryable: true,
        userMessage: timeout
          ? "The Anthropic API did not answer in time. The run will be retried; if it keeps timing out, raise the model timeout or make the issue smaller."
          : "The Anthropic API could not be reached. The run will be retried; if it keeps failing, check the worker's network access to the API (or ANTHROPIC_BASE_URL).",
      },
    );
  }
  if (error instanceof Anthropic.APIError) {
    const status = error.status;
    const detail = apiMessageOf(error);
    const message = `Anthropic API ${status ?? "stream"} ${error.type ?? ""}: ${detail}`.replace(
      /\s+/g,
      " ",
    );
    if (status === 401) {
      return new ModelError(message, {
        cause: error,
        userMessage:
          "The Anthropic API rejected the API key (401). Check ANTHROPIC_API_KEY: create a key at https://console.anthropic.com/settings/keys and restart the worker.",
      });
    }
    if (
      status === 402 ||
      ((status === 400 || status === 429) &&
        /credit|billing|balance|usage limit|spend limit/i.test(detail))
    ) {
      return new ModelError(message, {
        cause: error,
        userMessage:
          "The Anthropic account has no credits left or reached its spend limit. Add credits or raise the limit at https://console.anthropic.com/settings/billing, then comment `/generate` again.",
      });
    }
    if (status === 403) {
      return new ModelError(message, {
        cause: error,
        userMessage: `The Anthropic API key may not use model ${model} (403). Check the key's workspace permissions or choose another model with PATCHSMITH_MODEL.`,
      });
    }
    if (status === 404) {
      return new ModelError(message, {
        cause: error,
        userMessage: `The Anthropic API does not know the model "${model}" (404). Set PATCHSMITH_MODEL (or PATCHSMITH_PLAN_MODEL) to a current model id such as claude-sonnet-4-5.`,
      });
    }
    if (
      status === 413 ||
      (status === 400 && /prompt is too long|too many tokens|context/i.test(detail))
    ) {
      return new ModelError(message, {
        cause: error,
        userMessage:
          "The prompt was too large for the model. Lower `context.budgetTokens` in .github/patchsmith.yml, or split the issue into smaller ones.",
      });
    }
    const retryable =
      status === 408 ||
      status === 409 ||
      status === 429 ||
      (status !== undefined && status >= 500) ||
      (status === undefined && RETRYABLE_TYPES.has(error.type ?? ""));
    if (retryable) {
      const busy = status === 429 || error.type === "rate_limit_error";
      return new ModelError(message, {
        cause: error,
        isRetryable: true,
        userMessage: busy
          ? "The Anthropic API rate limit was reached even after retries. The run will be retried later; lower PATCHSMITH_CONCURRENCY if this keeps happening."
          : "The Anthropic API is overloaded or failed (server error) even after retries. The run will be retried later.",
      });
    }
    return new ModelError(message, {
      cause: error,
      userMessage: `The Anthropic API refused the request (${status ?? "error"}): ${detail}. This is likely a patchsmith bug; the worker logs have the details.`,
    });
  }
  const text = error instanceof Error ? error.message : String(error);
  return new ModelError(`model call failed: ${text}`, {
    cause: error,
    userMessage:
      "The model call failed unexpectedly. Comment `/generate` to try again; the worker logs have the details.",
  });
}
