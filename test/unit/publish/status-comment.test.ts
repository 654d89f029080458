import { describe, expect, it } from "vitest";
import {
  branchName,
  pullRequestTitle,
  renderStatus,
  StatusComment,
  STATUS_MARKER,
} from "../../../src/publish/index.js";
import { createLocalGitHub } from "../../../src/github/local-github.js";

describe("branch and title", () => {
  it("makes a stable, safe branch name", () => {
    expect(branchName({ number: 12, title: "Crash on `foo()` with ünïcode / paths!!" })).toBe(
      "patchsmith/issue-12-crash-on-foo-with-unicode-paths",
    );
    expect(branchName({ number: 3, title: "!!!" })).toBe("patchsmith/issue-3");
  });

  it("prefixes the title by mode", () => {
    expect(pullRequestTitle({ title: "Add retries" }, "tests")).toBe("Tests: Add retries");
    expect(pullRequestTitle({ title: "Add retries" }, "implement")).toBe("Add retries");
  });
});

describe("status comment", () => {
  it("renders progress, the plan, a failure with what to do", async () => {
    const running = await renderStatus({
      jobId: "j1",
      actor: "octocat",
      current: "implement",
      outcome: "running",
      plan: {
        summary: "Do it",
        steps: ["one", "two"],
        files: ["a.js"],
        testStrategy: "unit",
        risks: [],
      },
    });
    expect(running).toContain(STATUS_MARKER);
    expect(running).toMatch(/✅ Planning/);
    expect(running).toMatch(/⏳ Implementing/);
    expect(running).toContain("1. two");
    const failed = await renderStatus({
      jobId: "j1",
      actor: "octocat",
      current: "gate",
      outcome: "failed",
      failure: { phase: "gate", message: "Tests fail", hint: "Fix it" },
    });
    expect(failed).toMatch(/❌ Checking/);
    expect(failed).toContain("**What to do:** Fix it");
  });

  it("creates one comment, then edits it", async () => {
    const lines: string[] = [];
    const github = createLocalGitHub({
      issue: { number: 1, title: "t", body: "", comments: [] },
      defaultBranch: "main",
      progress: (l) => lines.push(l),
    });
    const status = new StatusComment(github, { owner: "o", name: "r" }, 1, {
      jobId: "j",
      actor: "a",
      current: "analyze",
      outcome: "running",
    });
    await status.update({});
    await status.update({ current: "plan" });
    await status.update({
      current: "publish",
      outcome: "succeeded",
      pullRequest: { url: "https://x/pull/1", draft: false },
    });
    expect(github.comments.size).toBe(1);
    expect([...github.comments.values()][0]).toContain("https://x/pull/1");
    expect(lines).toEqual([
      "⏳ patchsmith: analyzing the code",
      "⏳ patchsmith: planning",
      "✅ patchsmith: pull request opened",
    ]);
  });
});
