export { createGitWorkspace, remoteUrl, type GitWorkspaceOptions } from "./git-workspace.js";
export { normalizeInside, resolveInside } from "./safe-path.js";
export { gitAuthEnv, redactToken } from "./git-auth.js";
export {
  createSandboxRunner,
  defaultSandboxLimits,
  probeBwrap,
  type BwrapProbe,
  type SandboxLimits,
  type SandboxMode,
  type SandboxRunnerOptions,
} from "./sandbox/index.js";
