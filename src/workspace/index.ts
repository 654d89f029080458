export { createGitWorkspace, remoteUrl, type GitWorkspaceOptions } from "./git-workspace.js";
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
