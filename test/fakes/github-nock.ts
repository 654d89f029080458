/**
 * GitHub's REST and GraphQL API replaced with nock, strict both ways: a test fails on any
 * request that no mock expected, and on any mock that no request used.
 *
 *   const gh = useGitHubNock();          // at the top of a test file: installs the hooks
 *   gh.api().get("/repos/o/r").reply(200, {...});   // nock scope for https://api.github.com
 *   gh.installationToken(12345);         // POST /app/installations/12345/access_tokens
 *
 * Real network is off; loopback stays open for tests that run a real server.
 * Unexpected requests are collected from nock's "no match" event as well as failing the
 * request itself, because code under test may catch the request's error.
 */
import nock from "nock";
import { afterEach, beforeEach } from "vitest";

export const GITHUB_API = "https://api.github.com";

const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\]|::1)(:\d+)?$/;

export interface GitHubNock {
  /** A nock scope for api.github.com; add interceptors to it. */
  api(): nock.Scope;
  /** Mocks the installation token request Probot makes before the first API call. */
  installationToken(installationId: number, token?: string): nock.Scope;
  /** Requests so far that matched no mock (also reported by the afterEach check). */
  unexpected(): string[];
}

function describeRequest(args: unknown[]): string {
  for (const arg of [...args].reverse()) {
    if (arg && typeof arg === "object") {
      const o = arg as {
        method?: string;
        host?: string;
        hostname?: string;
        path?: string;
        href?: string;
      };
      if (o.path !== undefined || o.href !== undefined) {
        return `${o.method ?? "GET"} ${o.host ?? o.hostname ?? ""}${o.path ?? o.href ?? ""}`;
      }
    }
  }
  return "unknown request";
}

function hostOf(args: unknown[]): string {
  for (const arg of args) {
    if (arg && typeof arg === "object") {
      const o = arg as { host?: string; hostname?: string };
      if (o.host ?? o.hostname) return (o.host ?? o.hostname)!;
    }
  }
  return "";
}

export function useGitHubNock(): GitHubNock {
  let unexpected: string[] = [];
  const onNoMatch = (...args: unknown[]) => {
    if (LOOPBACK.test(hostOf(args))) return;
    unexpected.push(describeRequest(args));
  };

  beforeEach(() => {
    unexpected = [];
    nock.disableNetConnect();
    nock.enableNetConnect(LOOPBACK);
    nock.emitter.on("no match", onNoMatch);
  });

  afterEach(() => {
    nock.emitter.removeListener("no match", onNoMatch);
    const pending = nock.pendingMocks();
    nock.cleanAll();
    const problems = [
      ...unexpected.map((r) => `unexpected request: ${r}`),
      ...pending.map((m) => `mock never used: ${m}`),
    ];
    if (problems.length > 0) throw new Error(`GitHub API mocks:\n  ${problems.join("\n  ")}`);
  });

  return {
    api: () => nock(GITHUB_API),
    installationToken: (installationId, token = "ghs_testinstallationtoken0000") =>
      nock(GITHUB_API)
        .post(`/app/installations/${installationId}/access_tokens`)
        .reply(201, {
          token,
          expires_at: new Date(Date.now() + 3600_000).toISOString(),
          permissions: {
            contents: "write",
            issues: "write",
            pull_requests: "write",
            checks: "write",
            metadata: "read",
          },
          repository_selection: "all",
        }),
    unexpected: () => [...unexpected],
  };
}
