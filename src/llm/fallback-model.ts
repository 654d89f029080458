/**
 * A chain of providers: the first serves every call it can; when it fails with a retryable error
 * after its own retries, or its circuit breaker is open, the next one takes the call. Errors that
 * can never succeed (a bad key, a spend limit, a request too large) end the call at once: another
 * provider would be billed for the same mistake or hide a configuration problem.
 */
import {
  ModelError,
  silentLogger,
  type LanguageModel,
  type Logger,
  type ModelRequest,
  type ModelResponse,
} from "../core/index.js";

export function createFallbackModel(
  providers: LanguageModel[],
  options: { logger?: Logger } = {},
): LanguageModel {
  if (providers.length === 0) throw new Error("createFallbackModel: no provider given");
  if (providers.length === 1) return providers[0]!;
  const logger = (options.logger ?? silentLogger).child({ component: "llm" });
  return {
    name: providers.map((p) => p.name).join(" -> "),
    async generate(request: ModelRequest): Promise<ModelResponse> {
      let last: unknown;
      for (const [index, provider] of providers.entries()) {
        // The repository's model id names a model of the first provider only.
        const { model: _chosen, ...rest } = request;
        const asked = index === 0 ? request : rest;
        try {
          return await provider.generate(asked);
        } catch (error) {
          if (!(error instanceof ModelError) || !error.isRetryable) throw error;
          last = error;
          const next = providers[index + 1];
          if (next)
            logger.warn(
              { stage: request.stage, failed: provider.name, next: next.name, err: error.message },
              "provider failed; the next provider takes the call",
            );
        }
      }
      throw last;
    },
  };
}

/** "openai-compatible:gpt-4o,anthropic:claude-haiku-4-5" -> provider and model pairs. */
export function parseProviderList(
  text: string | undefined,
): { provider: "anthropic" | "openai-compatible"; model: string }[] {
  if (!text?.trim()) return [];
  return text.split(",").map((entry) => {
    const trimmed = entry.trim();
    const colon = trimmed.indexOf(":");
    const provider = colon < 0 ? "" : trimmed.slice(0, colon);
    const model = colon < 0 ? "" : trimmed.slice(colon + 1);
    if ((provider !== "anthropic" && provider !== "openai-compatible") || model === "") {
      throw new ModelError(`bad PATCHSMITH_FALLBACK entry "${trimmed}"`, {
        userMessage: `PATCHSMITH_FALLBACK entry "${trimmed}" is not provider:model (provider is anthropic or openai-compatible), e.g. openai-compatible:gpt-4o.`,
      });
    }
    return { provider, model };
  });
}
