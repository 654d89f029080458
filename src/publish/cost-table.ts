/**
 * The tokens-and-cost table, one rendering for the pull request body and the status
 * comment: the job's total, then one row per model stage when there was more than one
 * (a single stage row would repeat the total).
 */
import type { Usage } from "../core/index.js";
import { render } from "../core/index.js";

export interface CostTotals {
  usage: Usage;
  costUsd: number;
  calls: number;
  byStage?: Record<string, { usage: Usage; costUsd: number; calls: number }>;
}

export function formatUsd(value: number): string {
  return value < 0.01 && value > 0 ? value.toFixed(4) : value.toFixed(2);
}

const row = (totals: { usage: Usage; costUsd: number; calls: number }) => ({
  calls: totals.calls,
  inputTokens: totals.usage.inputTokens,
  outputTokens: totals.usage.outputTokens,
  cacheReadTokens: totals.usage.cacheReadTokens,
  cacheWriteTokens: totals.usage.cacheWriteTokens,
  usd: formatUsd(totals.costUsd),
});

/** The table's data: also in the PR body's scope, for repositories that override pr-body.md. */
export function costTableData(totals: CostTotals) {
  const stages = Object.entries(totals.byStage ?? {});
  return {
    cost: row(totals),
    stageCosts: stages.length > 1 ? stages.map(([stage, t]) => ({ stage, ...row(t) })) : [],
  };
}

export async function renderCostTable(totals: CostTotals): Promise<string> {
  return (await render("github/cost-table.md", costTableData(totals))).trimEnd();
}
