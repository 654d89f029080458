import { describe, expect, it } from "vitest";
import { emptyUsage } from "../../../src/core/index.js";
import { renderPullRequestBody } from "../../../src/publish/index.js";

const usage = (input: number, output: number, read = 0, write = 0) => ({
  ...emptyUsage(),
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: read,
  cacheWriteTokens: write,
});

describe("the pull request body's cost table", () => {
  it("shows the total and one row per model stage, cache tokens included", async () => {
    const body = await renderPullRequestBody({
      issueNumber: 7,
      actor: "octocat",
      jobId: "job-1",
      plan: { summary: "Fix it.", steps: ["a"], files: ["src/a.ts"], testStrategy: "t", risks: [] },
      files: ["src/a.ts"],
      gateReport: "All checks passed.",
      draft: false,
      report: {
        stages: [],
        usage: usage(1500, 300, 9000, 4000),
        costUsd: 0.0612,
        modelCalls: 4,
        byStage: {
          plan: { usage: usage(1000, 200, 0, 4000), costUsd: 0.021, calls: 1 },
          repair: { usage: usage(500, 100, 9000, 0), costUsd: 0.0402, calls: 3 },
        },
        repairRounds: 1,
        gateRounds: [],
      },
    });
    expect(body).toContain("| 4 | 1500 | 300 | 9000 | 4000 | $0.06 |");
    expect(body).toContain("| 1 (plan) | 1000 | 200 | 0 | 4000 | $0.02 |");
    expect(body).toContain("| 3 (repair) | 500 | 100 | 9000 | 0 | $0.04 |");
  });
});
