export {
  createAnthropicModel,
  ANTHROPIC_DEFAULT_BASE_URL,
  type AnthropicModelOptions,
} from "./anthropic-model.js";
export { toAnthropicParams, toAnthropicTool } from "./anthropic-mapping.js";
export { toModelError } from "./anthropic-errors.js";
export { createMeteredModel, type MeteredModel, type MeterTotals } from "./metered-model.js";
export { costAt, costOf, priceFor, type Price } from "./prices.js";
export {
  createOpenAICompatibleModel,
  type OpenAICompatibleModelOptions,
} from "./openai-compatible-model.js";
export { EDITOR_FUNCTION_SCHEMA } from "./editor-function.js";
