export {
  createAnthropicModel,
  ANTHROPIC_DEFAULT_BASE_URL,
  type AnthropicModelOptions,
} from "./anthropic-model.js";
export { toAnthropicParams, toAnthropicTool } from "./anthropic-mapping.js";
export { toModelError } from "./anthropic-errors.js";
export {
  createMeteredModel,
  type MeteredModel,
  type MeterHooks,
  type MeterLimits,
  type MeterTotals,
} from "./metered-model.js";
export { createFallbackModel, parseProviderList } from "./fallback-model.js";
export { createStageModels, type StageModels } from "./stage-models.js";
export { CircuitBreaker, CircuitOpenError, type CircuitBreakerOptions } from "./circuit-breaker.js";
export {
  withRetries,
  retryAfterMsOf,
  RETRYABLE_STATUS,
  type RetryOptions,
} from "./retry-policy.js";
export {
  costAt,
  costOf,
  createPriceTable,
  defaultPriceTable,
  priceFor,
  type Price,
  type PriceOverride,
  type PriceTable,
} from "./prices.js";
export {
  createOpenAICompatibleModel,
  type OpenAICompatibleModelOptions,
} from "./openai-compatible-model.js";
export { EDITOR_FUNCTION_SCHEMA } from "./editor-function.js";
export {
  CASSETTE_FORMAT,
  parseCassette,
  readCassette,
  serializeCassette,
  type Cassette,
  type CassetteExchange,
} from "./cassette.js";
export { createRecordingModel, type RecordingOptions } from "./recording-model.js";
export {
  createReplayModel,
  loadReplayModel,
  DEFAULT_RERECORD,
  type ReplayModel,
  type ReplayOptions,
} from "./replay-model.js";
export {
  comparableRequest,
  firstDifference,
  stableText,
  type Difference,
} from "./request-match.js";
