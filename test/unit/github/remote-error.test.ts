import { describe, expect, it } from "vitest";
import { redact, toRemoteError } from "../../../src/github/index.js";

describe("redact", () => {
  it.each([
    ["token ghs_abcdefghijklmnop1234", "token [REDACTED]"],
    ["authorization: Bearer abc.def.ghi", "authorization: [REDACTED]"],
    ['{"authorization":"token ghp_0123456789abcdef"}', '{"authorization":"[REDACTED]"}'],
    ["Bearer abcdefghijklmnopqrstuvwxyz012345", "Bearer [REDACTED]"],
    ["https://user:hunter2hunter2@example.com/x", "https://user:[REDACTED]@example.com/x"],
    ["pat github_pat_11ABCDEFG0123456789_xyz", "pat [REDACTED]"],
    ["jwt eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjF9.c2ln", "jwt [REDACTED]"],
    [
      "https://x-access-token:ghs_abcdefghijklmnop@github.com/a/b",
      "https://x-access-token:[REDACTED]@github.com/a/b",
    ],
  ])("%s", (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it("leaves ordinary text alone", () => {
    expect(redact("Validation Failed: head is not a branch")).toBe(
      "Validation Failed: head is not a branch",
    );
  });
});

describe("toRemoteError", () => {
  it("drops the query string from the URL it names", () => {
    const error = toRemoteError("reading", {
      status: 404,
      message: "Not Found",
      request: {
        method: "GET",
        url: "https://api.github.com/repos/a/b?access_token=ghs_secretsecretsecret",
      },
    });
    expect(error.message).toBe(
      "GitHub reading failed with 404 (GET https://api.github.com/repos/a/b): Not Found",
    );
    expect(error.isRetryable).toBe(false);
  });

  it("treats an exhausted primary rate limit as retryable", () => {
    const error = toRemoteError("reading", {
      status: 403,
      message: "API rate limit exceeded",
      response: { headers: { "x-ratelimit-remaining": "0" } },
    });
    expect(error.isRetryable).toBe(true);
  });
});
