/**
 * What leaves through the three doors (the model, GitHub, the logs) is scanned in one place
 * each; what counts as a secret file; and the trigger quota window.
 */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import {
  createRedactor,
  isSecretPath,
  secretValuesIn,
  type GitHub,
  type LanguageModel,
  type ModelRequest,
} from "../../src/core/index.js";
import {
  withLogRedaction,
  withModelRedaction,
  withOutboundRedaction,
} from "../../src/security/index.js";
import { createMemoryQuota } from "../../src/triggers/index.js";
import { recordingGitHub } from "./recording-github.js";

const SHAPED = [
  `ghp_${"A1b2".repeat(9)}`,
  `ghs_${"x9Y8".repeat(9)}`,
  `github_pat_${"a1B2c3".repeat(10)}`,
  `sk-ant-api03-${"q".repeat(40)}`,
  "AKIAIOSFODNN7EXAMPLE",
  `npm_${"Z1".repeat(18)}`,
  `xoxb-123456789012-${"a".repeat(24)}`,
  "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
  "Authorization: Basic eC1hY2Nlc3MtdG9rZW46Z2hzX3h4eA==",
  "https://x-access-token:s3cr3tT0ken@github.com/o/r.git",
  `eyJhbGciOiJSUzI1NiJ9.${"eyJpc3MiOiIxMjMifQ"}.${"c2lnbmF0dXJlc2lnbmF0dXJl"}`,
];

describe("the redactor", () => {
  for (const secret of SHAPED) {
    it(`removes a credential shaped like ${secret.slice(0, 14)}…`, () => {
      expect(createRedactor().redact(`before ${secret} after`)).not.toContain(
        secret.split("\n")[1] ?? secret,
      );
    });
  }

  it("removes registered values (the worker's keys, minted tokens, repository secrets) and their lines", () => {
    const key = "-----BEGIN KEY-----\nlineOfKeyMaterial0123456789abcdef\n-----END KEY-----";
    const redactor = createRedactor(["plainWorkerSecret42", key]);
    const out = redactor.redact("a plainWorkerSecret42 b lineOfKeyMaterial0123456789abcdef c");
    expect(out).toBe("a [redacted] b [redacted] c");
  });

  it("learns random-looking values from a .env, not ordinary words", () => {
    const values = secretValuesIn(
      ".env",
      "NODE_ENV=development\nPORT=3000\nAPI_TOKEN=k3yV4lue9QzX81\n",
    );
    expect(values).toEqual(["k3yV4lue9QzX81"]);
  });

  it("knows secret files by name, and .npmrc only with a token", () => {
    for (const p of [
      ".env",
      "a/.env.local",
      "k.pem",
      "x/server.key",
      "id_rsa",
      "id_ed25519.pub",
      ".netrc",
      "creds/credentials.json",
    ])
      expect(isSecretPath(p), p).toBe(true);
    for (const p of [".env.example", "src/env.ts", "README.md", "keyboard.js"])
      expect(isSecretPath(p), p).toBe(false);
    expect(isSecretPath(".npmrc", "registry=https://r.example\n")).toBe(false);
    expect(isSecretPath(".npmrc", "//r/:_authToken=abc\n")).toBe(true);
  });
});

describe("the doors", () => {
  const secret = `ghs_${"s3".repeat(18)}`;
  const known = "knownWorkerValue77";

  it("the model: system prompt, text, tool results and tool inputs", async () => {
    const seen: ModelRequest[] = [];
    const inner: LanguageModel = {
      name: "x",
      generate: async (request) => {
        seen.push(request);
        return {
          content: [],
          stopReason: "end_turn",
          usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
          model: "x",
          costUsd: 0,
        };
      },
    };
    const model = withModelRedaction(inner, createRedactor([known]));
    await model.generate({
      stage: "implement",
      system: `sys ${known}`,
      maxTokens: 10,
      messages: [
        { role: "user", content: [{ type: "text", text: `issue ${secret}` }] },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "1", name: "t", input: { a: [known] } }],
        },
        {
          role: "user",
          content: [{ type: "tool_result", toolUseId: "1", content: `out ${secret}` }],
        },
      ],
    });
    const sent = JSON.stringify(seen);
    expect(sent).not.toContain(secret);
    expect(sent).not.toContain(known);
  });

  it("GitHub: comments, edits, PR title and body, check runs, review replies; minted tokens are learned", async () => {
    const inner = recordingGitHub({
      issue: { number: 1, title: "", body: "", comments: [] },
      permissions: {},
      token: "ghs_mintedTokenValue1234567890",
    });
    const redactor = createRedactor();
    const github: GitHub = withOutboundRedaction(inner, redactor);
    const repo = { owner: "o", name: "r" };
    const token = await github.getRepositoryToken(repo, { contents: "read" });
    const leak = `${secret} ${token}`;
    await github.createComment(repo, 1, leak);
    await github.updateComment(repo, 1, leak);
    await github.createPullRequest(repo, {
      head: "h",
      base: "b",
      title: leak,
      body: leak,
      draft: false,
    });
    await github.updatePullRequest(repo, 1, { body: leak });
    await github.createCheckRun(repo, {
      name: "n",
      headSha: "s",
      conclusion: "failure",
      title: leak,
      summary: leak,
      annotations: [{ path: "a", startLine: 1, endLine: 1, level: "failure", message: leak }],
    });
    await github.replyToReviewComment(repo, 1, 1, leak);
    expect(inner.written.length).toBe(10);
    expect(inner.written.join("\n")).not.toContain(secret);
    expect(inner.written.join("\n")).not.toContain("mintedTokenValue");
  });

  it("logs: credential-named fields censored, free text scanned, child bindings too", () => {
    const lines: string[] = [];
    const base = pino({ level: "trace" }, { write: (l: string) => void lines.push(l) });
    const log = withLogRedaction(base, createRedactor([known]));
    log.info(
      {
        token: "anything",
        apiKey: "k",
        nested: { authorization: "Bearer x" },
        err: new Error(`failed ${secret}`),
      },
      `msg ${known}`,
    );
    log.child({ url: `https://x-access-token:${known}@h/r` }).warn(`git said ${secret}`);
    const all = lines.join("\n");
    expect(all).not.toContain(secret);
    expect(all).not.toContain(known);
    expect(all).not.toContain("anything");
    expect(all).not.toContain("Bearer x");
  });
});

describe("trigger quota (sliding window)", () => {
  it("refuses past the per-user limit until the oldest trigger leaves the hour, and counts the repository together", async () => {
    let now = 0;
    const quota = createMemoryQuota({ now: () => now });
    const repo = { owner: "o", name: "r" };
    const limits = { perUserPerHour: 2, perRepoPerHour: 3 };
    expect((await quota.take(repo, "a", limits)).allowed).toBe(true);
    now = 10 * 60_000;
    expect((await quota.take(repo, "a", limits)).allowed).toBe(true);
    const refused = await quota.take(repo, "a", limits);
    expect(refused).toMatchObject({ allowed: false, scope: "user", limit: 2 });
    expect(refused.allowed === false && refused.retryAt.getTime()).toBe(60 * 60_000);
    expect((await quota.take(repo, "b", limits)).allowed).toBe(true);
    expect(await quota.take(repo, "c", limits)).toMatchObject({
      allowed: false,
      scope: "repository",
    });
    now = 60 * 60_000;
    expect((await quota.take(repo, "a", limits)).allowed).toBe(true);
  });
});
