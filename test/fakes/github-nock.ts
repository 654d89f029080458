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
import { generateKeyPairSync } from "node:crypto";
import { createRequire } from "node:module";
import nock from "nock";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
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
        // Probot's own request asks for the whole installation; a repo-scoped one does not match.
        .post(`/app/installations/${installationId}/access_tokens`, (body: unknown) => {
          return !(body && typeof body === "object" && "repositories" in body);
        })
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

let testKey: string | undefined;

/** A real RSA key, so Probot signs a real JWT for the installation-token request. */
export function testPrivateKey(): string {
  testKey ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
    type: "pkcs1",
    format: "pem",
  }) as string;
  return testKey;
}

export const TEST_APP_ID = 123;
export const TEST_WEBHOOK_SECRET = "test-webhook-secret";

/**
 * Probot configured for tests: a real key, silent logs, and Octokit's retry and
 * throttling off. Throttling must be disabled through a function passed to `defaults`:
 * an object there is merged away, and throttled comment POSTs then take ~3 s each.
 */
export function testProbotOptions() {
  return {
    appId: TEST_APP_ID,
    privateKey: testPrivateKey(),
    secret: TEST_WEBHOOK_SECRET,
    log: pino({ level: "silent" }),
    Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      retry: { enabled: false },
      throttle: { ...(options.throttle as object), enabled: false },
    })),
  };
}

export function createTestProbot(): Probot {
  return new Probot(testProbotOptions());
}

/** Example payloads are edited freely by tests, so they are loosely typed on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ExamplePayload = Record<string, any>;

const definitions = createRequire(import.meta.url)("@octokit/webhooks-examples") as {
  name: string;
  examples: ExamplePayload[];
}[];

/**
 * A deep copy of the first @octokit/webhooks-examples payload for `name` and `action`
 * (e.g. "issues", "labeled"), with `installation.id` set: the examples mostly lack one,
 * and Probot needs it to authenticate as the installation.
 */
export function webhookExample(
  name: string,
  action: string,
  installationId = 4711,
): ExamplePayload {
  const payload = definitions
    .find((d) => d.name === name)
    ?.examples.find((e) => e.action === action);
  if (!payload) throw new Error(`no @octokit/webhooks-examples payload for ${name}.${action}`);
  const copy = structuredClone(payload);
  copy.installation = { ...(copy.installation ?? {}), id: installationId };
  return copy;
}
