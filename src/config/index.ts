export * from "./env.js";
export * from "./repo-config.js";
