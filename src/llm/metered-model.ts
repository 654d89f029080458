/**
 * Counts what every call cost and stops the run once the budget is spent. The check happens
 * before a call, so one call may overshoot the budget by its own cost, never more.
 */
import {
  addUsage,
  BudgetExceededError,
  emptyUsage,
  type LanguageModel,
  type ModelRequest,
  type ModelResponse,
  type Usage,
} from "../core/index.js";

export interface MeterTotals {
  usage: Usage;
  costUsd: number;
  calls: number;
}

export interface MeteredModel {
  model: LanguageModel;
  totals(): MeterTotals & { byStage: Record<string, MeterTotals> };
}

export function createMeteredModel(
  model: LanguageModel,
  options: { maxCostUsd?: number } = {},
): MeteredModel {
  const total: MeterTotals = { usage: emptyUsage(), costUsd: 0, calls: 0 };
  const byStage = new Map<string, MeterTotals>();

  function record(stage: string, response: ModelResponse): void {
    const entry = byStage.get(stage) ?? { usage: emptyUsage(), costUsd: 0, calls: 0 };
    for (const target of [total, entry]) {
      target.usage = addUsage(target.usage, response.usage);
      target.costUsd += response.costUsd;
      target.calls += 1;
    }
    byStage.set(stage, entry);
  }

  const metered: LanguageModel = {
    name: model.name,
    async generate(request: ModelRequest): Promise<ModelResponse> {
      const limit = options.maxCostUsd;
      if (limit !== undefined && total.costUsd >= limit) {
        throw new BudgetExceededError(
          `model budget spent: $${total.costUsd.toFixed(4)} of $${limit.toFixed(2)} after ${total.calls} calls (next stage: ${request.stage})`,
          {
            userMessage: `This run spent its model budget ($${total.costUsd.toFixed(2)} of $${limit.toFixed(2)}) and stopped. Raise PATCHSMITH_MAX_COST_USD in the worker's environment, or narrow the issue, then comment \`/generate\` again.`,
          },
        );
      }
      const response = await model.generate(request);
      record(request.stage, response);
      return response;
    },
  };

  return {
    model: metered,
    totals() {
      const stages: Record<string, MeterTotals> = {};
      for (const [stage, entry] of byStage)
        stages[stage] = { usage: { ...entry.usage }, costUsd: entry.costUsd, calls: entry.calls };
      return {
        usage: { ...total.usage },
        costUsd: total.costUsd,
        calls: total.calls,
        byStage: stages,
      };
    },
  };
}
