/**
 * Octokit errors become RemoteError: retryable for 5xx, 429 and rate limits, with a
 * message that names the operation and status and never carries a credential. The
 * original error is not kept as `cause`, because it holds the request options and a
 * logger that serializes causes would print them.
 */
import { RemoteError } from "../core/index.js";

interface RequestErrorLike {
  status?: unknown;
  message?: unknown;
  response?: { headers?: Record<string, unknown>; data?: unknown };
  request?: { method?: unknown; url?: unknown };
}

const CREDENTIAL = /\b(gh[pousr]_[A-Za-z0-9_]{8,}|github_pat_[A-Za-z0-9_]{8,}|v1\.[0-9a-f]{40})\b/g;
const JWT = /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;
const AUTHORIZATION_VALUE =
  /(authorization["']?\s*[:=]\s*["']?)(?:(?:token|bearer|basic)\s+)?[^\s"',}]+/gi;
const URL_PASSWORD = /(\bhttps?:\/\/[^/\s:@]+:)[^@\s/]+@/gi;
const SCHEME_VALUE = /\b(bearer|token)\s+[A-Za-z0-9._~+/=-]{16,}/gi;

/** Removes anything that looks like a GitHub token, a JWT or an authorization value. */
export function redact(text: string): string {
  return text
    .replace(CREDENTIAL, "[REDACTED]")
    .replace(JWT, "[REDACTED]")
    .replace(AUTHORIZATION_VALUE, "$1[REDACTED]")
    .replace(URL_PASSWORD, "$1[REDACTED]@")
    .replace(SCHEME_VALUE, "$1 [REDACTED]");
}

function isSecondaryRateLimit(error: RequestErrorLike): boolean {
  const headers = error.response?.headers ?? {};
  if (headers["retry-after"] !== undefined) return true;
  if (String(headers["x-ratelimit-remaining"]) === "0") return true;
  return /rate limit/i.test(String(error.message ?? ""));
}

export function toRemoteError(operation: string, error: unknown): RemoteError {
  if (error instanceof RemoteError) return error;
  const e = (error ?? {}) as RequestErrorLike;
  const status = typeof e.status === "number" ? e.status : undefined;
  const method = typeof e.request?.method === "string" ? e.request.method : undefined;
  const url = typeof e.request?.url === "string" ? e.request.url.split("?")[0] : undefined;
  const detail = redact(String(e.message ?? error));
  const where = method && url ? ` (${method} ${url})` : "";

  if (status === undefined) {
    return new RemoteError(`GitHub ${operation} failed without a response${where}: ${detail}`, {
      isRetryable: true,
      userMessage: `patchsmith could not reach GitHub (${operation}). It will retry; if this persists, check the network of the patchsmith server.`,
    });
  }
  const retryable = status >= 500 || status === 429 || (status === 403 && isSecondaryRateLimit(e));
  return new RemoteError(`GitHub ${operation} failed with ${status}${where}: ${detail}`, {
    isRetryable: retryable,
    userMessage: userMessageFor(operation, status, retryable),
  });
}

function userMessageFor(operation: string, status: number, retryable: boolean): string {
  if (retryable) {
    return `GitHub was unavailable or rate-limited during ${operation} (HTTP ${status}). patchsmith will retry; comment \`/generate\` if it does not.`;
  }
  if (status === 401) {
    return `GitHub refused patchsmith's credentials during ${operation}. The app's private key or installation may have been revoked; an owner should reinstall the app.`;
  }
  if (status === 403) {
    return `patchsmith lacks the permission for ${operation} (HTTP 403). An owner should accept the app's requested permissions in the installation settings.`;
  }
  if (status === 404) {
    return `GitHub answered "not found" during ${operation}. Check that the app is still installed on this repository and that the issue or branch exists.`;
  }
  if (status === 422) {
    return `GitHub rejected ${operation} as invalid (HTTP 422). This is likely a patchsmith bug; the logs have the details.`;
  }
  return `GitHub failed during ${operation} (HTTP ${status}). The logs of the patchsmith server have the details.`;
}
