import { describe, expect, it } from "vitest";
import { BudgetExceededError, type ModelRequest } from "../../../src/core/index.js";
import { createMeteredModel } from "../../../src/llm/index.js";
import { response, ScriptedModel, text, textBlock } from "../../fakes/scripted-model.js";

const ask = (stage: string): ModelRequest => ({
  stage,
  system: "s",
  messages: [{ role: "user", content: [textBlock("hi")] }],
  maxTokens: 10,
});

describe("createMeteredModel", () => {
  it("adds up usage and cost, in total and per stage", async () => {
    const inner = new ScriptedModel([
      response([textBlock("a")], {
        usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 2, cacheWriteTokens: 1 },
        costUsd: 0.5,
      }),
      response([textBlock("b")], { usage: { inputTokens: 20, outputTokens: 7 }, costUsd: 0.25 }),
      response([textBlock("c")], { usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0.01 }),
    ]);
    const metered = createMeteredModel(inner);
    await metered.model.generate(ask("plan"));
    await metered.model.generate(ask("implement"));
    await metered.model.generate(ask("implement"));
    const totals = metered.totals();
    expect(totals.calls).toBe(3);
    expect(totals.costUsd).toBeCloseTo(0.76, 10);
    expect(totals.usage).toEqual({
      inputTokens: 31,
      outputTokens: 13,
      cacheReadTokens: 2,
      cacheWriteTokens: 1,
    });
    expect(totals.byStage.plan).toEqual({
      calls: 1,
      costUsd: 0.5,
      usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 2, cacheWriteTokens: 1 },
    });
    expect(totals.byStage.implement!.calls).toBe(2);
    expect(totals.byStage.implement!.costUsd).toBeCloseTo(0.26, 10);
    inner.assertDone();
  });

  it("refuses further calls once the budget is spent, and says how to raise it", async () => {
    const inner = new ScriptedModel([
      response([textBlock("a")], { costUsd: 0.6 }),
      response([textBlock("b")], { costUsd: 0.6 }),
      text("never"),
    ]);
    const metered = createMeteredModel(inner, { maxCostUsd: 1 });
    await metered.model.generate(ask("implement"));
    await metered.model.generate(ask("implement"));
    const error = await metered.model.generate(ask("implement")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).userMessage).toContain("PATCHSMITH_MAX_COST_USD");
    expect(inner.calls).toHaveLength(2);
    expect(metered.totals().calls).toBe(2);
  });

  it("asks the guard before each call, after the job's own caps, and reports each call's cost", async () => {
    const events: string[] = [];
    const inner = new ScriptedModel([
      response([textBlock("a")], { costUsd: 0.5 }),
      response([textBlock("b")], { costUsd: 0.75 }),
    ]);
    const metered = createMeteredModel(
      inner,
      { maxCostUsd: 1 },
      {
        guard: async (stage) => void events.push(`guard ${stage}`),
        onSpend: async (usd, stage) => void events.push(`spent ${usd} ${stage}`),
      },
    );
    await metered.model.generate(ask("plan"));
    await metered.model.generate(ask("implement"));
    // The job's own cap is spent: it answers first, and the shared guard is not asked.
    await expect(metered.model.generate(ask("repair"))).rejects.toThrow(/model budget spent/);
    expect(events).toEqual([
      "guard plan",
      "spent 0.5 plan",
      "guard implement",
      "spent 0.75 implement",
    ]);
  });

  it("a guard that throws stops the run before the call", async () => {
    const inner = new ScriptedModel([text("never")]);
    const stop = new BudgetExceededError("spent");
    const metered = createMeteredModel(inner, {}, { guard: async () => Promise.reject(stop) });
    await expect(metered.model.generate(ask("plan"))).rejects.toBe(stop);
    expect(inner.calls).toHaveLength(0);
    expect(metered.totals().calls).toBe(0);
  });
});
