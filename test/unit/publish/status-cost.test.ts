import { describe, expect, it } from "vitest";
import { emptyUsage } from "../../../src/core/index.js";
import {
  renderCostTable,
  renderPullRequestBody,
  renderStatus,
  type CostTotals,
} from "../../../src/publish/index.js";

const usage = (input: number, output: number, read = 0, write = 0) => ({
  ...emptyUsage(),
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: read,
  cacheWriteTokens: write,
});

const totals: CostTotals = {
  usage: usage(1500, 300, 9000, 4000),
  costUsd: 0.0612,
  calls: 4,
  byStage: {
    plan: { usage: usage(1000, 200, 0, 4000), costUsd: 0.021, calls: 1 },
    implement: { usage: usage(500, 100, 9000, 0), costUsd: 0.0402, calls: 3 },
  },
};

describe("tokens and cost in the status comment", () => {
  it("shows the pull request body's table, per stage and in total, while running", async () => {
    const table = await renderCostTable(totals);
    expect(table).toContain("| 4 | 1500 | 300 | 9000 | 4000 | $0.06 |");
    expect(table).toContain("| 1 (plan) | 1000 | 200 | 0 | 4000 | $0.02 |");
    expect(table).toContain("| 3 (implement) | 500 | 100 | 9000 | 0 | $0.04 |");
    const status = await renderStatus({
      jobId: "j1",
      actor: "octocat",
      current: "gate",
      outcome: "running",
      cost: { calls: 4, tokens: 1800, usd: "0.06", totals },
    });
    expect(status).toContain(
      `<details><summary>4 model calls · 1800 tokens · $0.06</summary>\n\n${table}\n\n</details>`,
    );
    const body = await renderPullRequestBody({
      issueNumber: 7,
      actor: "octocat",
      jobId: "j1",
      plan: { summary: "Fix it.", steps: ["a"], files: ["src/a.ts"], testStrategy: "t", risks: [] },
      files: ["src/a.ts"],
      gateReport: "All checks passed.",
      draft: false,
      report: {
        stages: [],
        usage: totals.usage,
        costUsd: totals.costUsd,
        modelCalls: totals.calls,
        byStage: totals.byStage!,
        repairRounds: 0,
        gateRounds: [],
      },
    });
    // One rendering for both.
    expect(body).toContain(`## Cost\n\n${table}\n`);
  });

  it("keeps the one-line summary when only the totals are known", async () => {
    const status = await renderStatus({
      jobId: "j1",
      actor: "octocat",
      current: "plan",
      outcome: "running",
      cost: { calls: 0, tokens: 0, usd: "0.00" },
    });
    expect(status).toContain("<sub>0 model calls · 0 tokens · $0.00</sub>");
    expect(status).not.toContain("| Model calls |");
  });
});
