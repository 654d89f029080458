export { createOctokitGitHub, type OctokitGitHubOptions } from "./octokit-github.js";
export type { OctokitLike, OctokitResponseLike } from "./octokit-like.js";
export { toRemoteError, redact } from "./remote-error.js";
export { ANNOTATIONS_PER_REQUEST } from "./check-runs.js";
export { MAX_BODY_CHARS, fitBody } from "./limits.js";
export {
  createLocalGitHub,
  parseIssueFile,
  type LocalGitHub,
  type LocalGitHubOptions,
} from "./local-github.js";
export { readRepoFile, MAX_FILE_BYTES } from "./read-file.js";
export { parseDuration, redeliverFailed, type RedeliverResult } from "./redeliver.js";
export {
  createReconciler,
  startReconciler,
  type Reconciler,
  type ReconcilerOptions,
} from "./reconcile.js";
export {
  SECONDARY_LIMIT_RETRIES,
  sharedThrottle,
  type SharedThrottle,
  type ThrottleSettings,
} from "./throttle.js";
