export * from "./env.js";
export * from "./repo-config.js";
export * from "./org-config.js";
export { configJsonSchema, configReferenceMarkdown } from "./config-docs.js";
