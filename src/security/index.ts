export { withOutboundRedaction } from "./redacting-github.js";
export { withModelRedaction } from "./redacting-model.js";
export { withLogRedaction } from "./redacting-logger.js";
