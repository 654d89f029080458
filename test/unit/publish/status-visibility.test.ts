import { describe, expect, it } from "vitest";
import {
  BudgetExceededError,
  ConfigError,
  PatchsmithError,
  silentLogger,
  type GitHub,
  type Job,
} from "../../../src/core/index.js";
import { acknowledge, failureHint, stepDurations } from "../../../src/pipeline/job-feedback.js";
import { renderStatus } from "../../../src/publish/index.js";

describe("status comment visibility", () => {
  it("shows durations per step, the branch link and the cost", async () => {
    const body = await renderStatus({
      jobId: "j1",
      actor: "octocat",
      current: "publish",
      outcome: "succeeded",
      durations: stepDurations([
        { stage: "prepare", ms: 2_000 },
        { stage: "analyze", ms: 1_500 },
        { stage: "gate", ms: 75_000 },
      ]),
      pullRequest: { url: "https://github.com/o/r/pull/7", draft: false },
      branch: "patchsmith/issue-1-fix",
      cost: { calls: 4, tokens: 12_000, usd: "0.42" },
    });
    expect(body).toContain("- ✅ Analyzing the code (3.5 s)");
    expect(body).toMatch(/Checking: .* \(1 min 15 s\)/);
    expect(body).toContain(
      "[`patchsmith/issue-1-fix`](https://github.com/o/r/tree/patchsmith/issue-1-fix)",
    );
    expect(body).toContain("4 model calls · 12000 tokens · $0.42");
  });

  it("lists every configuration problem and says what to do", async () => {
    const error = new ConfigError(".github/patchsmith.yml", [
      'line 2: gate.repairRound: unknown key; did you mean "gate.repairRounds"? Rename it, or remove it',
      "line 5: planApproval: must be true or false, found the number 3",
    ]);
    const body = await renderStatus({
      jobId: "j1",
      actor: "octocat",
      current: "analyze",
      outcome: "failed",
      failure: {
        phase: "config",
        message: error.userMessage,
        hint: failureHint(error),
        problems: error.problems,
      },
    });
    expect(body).toContain("**The configuration has problems:**");
    expect(body).toContain(
      '- line 2: gate.repairRound: unknown key; did you mean "gate.repairRounds"?',
    );
    expect(body).toContain("- line 5: planApproval: must be true or false");
    expect(body).toContain("Fix .github/patchsmith.yml");
    expect(body).toContain("`/retry`");
  });

  it("says to raise the budget when the budget stopped the run, and to retry otherwise", () => {
    expect(failureHint(new BudgetExceededError("over"))).toMatch(/budget\.jobUsd/);
    expect(failureHint(new PatchsmithError("net", { isRetryable: true }))).toMatch(
      /temporary.*\/retry/,
    );
    expect(failureHint(new PatchsmithError("x"))).toMatch(/\/retry.*\/generate/);
  });
});

describe("reactions when a job ends", () => {
  const job = (commentId?: number) =>
    ({
      id: "j",
      kind: "issue",
      repo: { owner: "o", name: "r" },
      number: 3,
      mode: "implement",
      trigger: {
        deliveryId: "d",
        actor: "a",
        kind: commentId ? "comment" : "label",
        at: "",
        ...(commentId ? { commentId } : {}),
      },
    }) as Job;

  it("puts 🚀 or 😕 on the command's comment, or on the issue for a label", async () => {
    const reactions: unknown[] = [];
    const github = {
      addReaction: async (...args: unknown[]) => void reactions.push(args),
    } as unknown as GitHub;
    await acknowledge(github, job(42), "rocket", silentLogger);
    await acknowledge(github, job(), "confused", silentLogger);
    expect(reactions).toEqual([
      [{ owner: "o", name: "r" }, { commentId: 42 }, "rocket"],
      [{ owner: "o", name: "r" }, { issueNumber: 3 }, "confused"],
    ]);
  });

  it("a failing reaction does not fail the job", async () => {
    const github = {
      addReaction: async () => Promise.reject(new Error("403")),
    } as unknown as GitHub;
    await expect(acknowledge(github, job(1), "rocket", silentLogger)).resolves.toBeUndefined();
  });
});
