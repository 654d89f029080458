export * from "./parse-command.js";
export * from "./is-bot.js";
export * from "./check-permission.js";
export * from "./dedupe.js";
export * from "./to-job.js";
export * from "./events.js";
export * from "./feedback-events.js";
export * from "./enqueue-feedback.js";
