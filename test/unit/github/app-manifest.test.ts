import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const manifest = parse(
  readFileSync(new URL("../../../app.yml", import.meta.url), "utf8"),
) as Record<string, unknown>;

describe("app.yml", () => {
  it("asks for exactly the permissions the app uses", () => {
    expect(manifest.default_permissions).toEqual({
      contents: "write",
      issues: "write",
      pull_requests: "write",
      checks: "write",
      // CI repair reads the logs of failed Actions jobs.
      actions: "read",
      metadata: "read",
    });
  });

  it("subscribes to the events the receiver and the feedback loop handle", () => {
    expect([...(manifest.default_events as string[])].sort()).toEqual([
      "check_suite",
      "issue_comment",
      "issues",
      "pull_request",
      "pull_request_review",
      "pull_request_review_comment",
      "workflow_run",
    ]);
  });

  it("is a private app with a name, a description and a homepage", () => {
    expect(manifest).toMatchObject({ name: "patchsmith", public: false });
    expect(String(manifest.description)).toMatch(/pull request/);
    expect(String(manifest.url)).toMatch(/^https:\/\//);
  });
});
