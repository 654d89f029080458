export { createGitWorkspace, remoteUrl, type GitWorkspaceOptions } from "./git-workspace.js";
export { normalizeInside, resolveInside } from "./safe-path.js";
export { gitAuthEnv, redactToken } from "./git-auth.js";
