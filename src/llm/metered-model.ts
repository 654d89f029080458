/**
 * Counts what every call cost and stops the run once the budget is spent. The check happens
 * before a call, so one call may overshoot the budget by its own cost, never more. Hooks add
 * budgets shared with other jobs (the daily ones): `guard` runs after the job's own caps,
 * before each call; `onSpend` gets each call's cost as it returns.
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

export interface MeterLimits {
  maxCostUsd?: number;
  /** Input, output and cache tokens together. */
  maxTokens?: number;
}

export interface MeterHooks {
  /** Throws (a BudgetExceededError) to stop the run before this stage's next call. */
  guard?: (stage: string) => Promise<void>;
  /** Told each call's cost once it returned; must not throw (the answer is paid for). */
  onSpend?: (usd: number, stage: string) => Promise<void>;
}

export interface MeteredModel {
  model: LanguageModel;
  totals(): MeterTotals & { byStage: Record<string, MeterTotals> };
  /**
   * Lowers the caps (the repository's budget, read after the checkout): the lower of the
   * installation's and the repository's cap applies; a repository cannot raise one.
   */
  tighten(limits: MeterLimits & { source: string }): void;
}

const tokensOf = (usage: Usage) =>
  usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;

export function createMeteredModel(
  model: LanguageModel,
  initial: MeterLimits = {},
  hooks: MeterHooks = {},
): MeteredModel {
  const options: MeterLimits = { ...initial };
  let usdSource = "PATCHSMITH_MAX_COST_USD in the worker's environment";
  let tokenSource = "PATCHSMITH_MAX_TOKENS in the worker's environment";
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
            userMessage: `This run spent its model budget ($${total.costUsd.toFixed(2)} of $${limit.toFixed(2)}) and stopped before the next model call (${request.stage}). Raise ${usdSource}, or narrow the issue, then comment \`/generate\` again.`,
          },
        );
      }
      const tokenLimit = options.maxTokens;
      const used = tokensOf(total.usage);
      if (tokenLimit !== undefined && used >= tokenLimit) {
        throw new BudgetExceededError(
          `token budget spent: ${used} of ${tokenLimit} after ${total.calls} calls (next stage: ${request.stage})`,
          {
            userMessage: `This run used its token budget (${used} of ${tokenLimit} tokens) and stopped before the next model call (${request.stage}). Raise ${tokenSource}, or narrow the issue, then comment \`/generate\` again.`,
          },
        );
      }
      await hooks.guard?.(request.stage);
      const response = await model.generate(request);
      record(request.stage, response);
      await hooks.onSpend?.(response.costUsd, request.stage);
      return response;
    },
  };

  return {
    model: metered,
    tighten(limits) {
      if (limits.maxCostUsd !== undefined && !(options.maxCostUsd! <= limits.maxCostUsd)) {
        options.maxCostUsd = limits.maxCostUsd;
        usdSource = limits.source;
      }
      if (limits.maxTokens !== undefined && !(options.maxTokens! <= limits.maxTokens)) {
        options.maxTokens = limits.maxTokens;
        tokenSource = limits.source;
      }
    },
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
