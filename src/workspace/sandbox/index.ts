export { createSandboxRunner, defaultPath } from "./sandbox-runner.js";
export type { SandboxMode, SandboxRunnerOptions } from "./sandbox-runner.js";
export { defaultSandboxLimits } from "./limits.js";
export type { SandboxLimits } from "./limits.js";
export { probeBwrap } from "./detect.js";
export type { BwrapProbe } from "./detect.js";
