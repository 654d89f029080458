import { describe, expect, it } from "vitest";
import {
  BudgetExceededError,
  DailyBudgetExceededError,
  type ModelRequest,
  type SpendLedger,
} from "../../../src/core/index.js";
import { createDailyBudget, openSqliteSpendLedger } from "../../../src/ledger/index.js";
import { createMeteredModel } from "../../../src/llm/index.js";
import { response, ScriptedModel, textBlock } from "../../fakes/scripted-model.js";

const at = new Date("2026-03-10T21:30:00Z");
const ask = (stage: string): ModelRequest => ({
  stage,
  system: "s",
  messages: [{ role: "user", content: [textBlock("hi")] }],
  maxTokens: 10,
});
const costing = (usd: number) => response([textBlock("ok")], { costUsd: usd });

async function stopOf(promise: Promise<unknown>): Promise<DailyBudgetExceededError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DailyBudgetExceededError);
  expect(error).toBeInstanceOf(BudgetExceededError);
  return error as DailyBudgetExceededError;
}

describe("daily budgets through the metered model", () => {
  it("two concurrent jobs of one repository see each other's spend and stop between calls", async () => {
    const ledger = openSqliteSpendLedger({ file: ":memory:", now: () => at });
    const budgetFor = () =>
      createDailyBudget({ ledger, repository: "octo/app", repositoryUsd: 1, now: () => at });
    const jobA = budgetFor();
    const jobB = budgetFor();
    const a = createMeteredModel(new ScriptedModel([costing(0.4), costing(0.4)]), {}, jobA);
    const b = createMeteredModel(new ScriptedModel([costing(0.3), costing(0.3)]), {}, jobB);
    await a.model.generate(ask("plan")); // 0.4
    await b.model.generate(ask("plan")); // 0.7
    await a.model.generate(ask("implement")); // 1.1: the check came before, so it may overshoot
    const error = await stopOf(b.model.generate(ask("implement")));
    expect(error.budget).toBe("repository");
    expect(error.resetsAt.toISOString()).toBe("2026-03-11T00:00:00.000Z");
    expect(error.userMessage).toBe(
      "This repository's daily model budget is spent: $1.10 of $1.00 today (UTC) across every patchsmith run in octo/app, so this run stopped before its next model call (implement). The operator of this patchsmith can raise PATCHSMITH_DAILY_USD_PER_REPO in the worker's environment (a repository's `budget.dailyUsd` can only lower it), or wait: the day resets at 00:00 UTC (in 2 h 30 min).",
    );
    expect(b.totals().calls).toBe(1);
    expect(await ledger.spentToday({ kind: "repository", id: "octo/app" }, at)).toBeCloseTo(1.1);
  });

  it("a job that starts with the installation's budget spent stops before its first call", async () => {
    const ledger = openSqliteSpendLedger({ file: ":memory:", now: () => at });
    await ledger.add(
      [
        { kind: "repository", id: "octo/other" },
        { kind: "installation", id: "4711" },
      ],
      5,
      at,
    );
    const inner = new ScriptedModel([costing(0.1)]);
    const daily = createDailyBudget({
      ledger,
      repository: "octo/app",
      installation: "4711",
      repositoryUsd: 10,
      installationUsd: 5,
      now: () => at,
    });
    const metered = createMeteredModel(inner, {}, daily);
    const error = await stopOf(metered.model.generate(ask("plan")));
    expect(inner.calls).toHaveLength(0);
    expect(error.budget).toBe("installation");
    expect(error.userMessage).toMatch(
      /^This installation's daily model budget is spent: \$5\.00 of \$5\.00 today \(UTC\) across every repository of installation 4711, so this run stopped before its first model call \(plan\)\. The operator of this patchsmith can raise PATCHSMITH_DAILY_USD_PER_INSTALLATION/,
    );
    expect(error.userMessage).toContain("the day resets at 00:00 UTC (in 2 h 30 min)");
  });

  it("the repository's budget.dailyUsd lowers the operator's, never raises it, and names itself", async () => {
    const ledger = openSqliteSpendLedger({ file: ":memory:", now: () => at });
    await ledger.add([{ kind: "repository", id: "octo/app" }], 2, at);
    const daily = createDailyBudget({
      ledger,
      repository: "octo/app",
      repositoryUsd: 3,
      now: () => at,
    });
    daily.tighten(10, "`budget.dailyUsd` in .github/patchsmith.yml");
    await daily.guard("plan"); // still $3: a repository cannot raise it
    daily.tighten(1.5, "`budget.dailyUsd` in .github/patchsmith.yml");
    const error = await stopOf(daily.guard("plan"));
    expect(error.userMessage).toContain(
      "$2.00 of $1.50 today (UTC) across every patchsmith run in octo/app",
    );
    expect(error.userMessage).toContain(
      "Raise `budget.dailyUsd` in .github/patchsmith.yml (up to $3.00, the operator's PATCHSMITH_DAILY_USD_PER_REPO), or wait",
    );
  });

  it("with no daily limit it only records, and a broken ledger never loses a paid answer", async () => {
    const added: number[] = [];
    const ledger: SpendLedger = {
      add: async (_scopes, usd) => {
        added.push(usd);
        if (added.length === 2) throw new Error("disk full");
      },
      spentToday: async () => {
        throw new Error("must not be read without a limit");
      },
      close: async () => {},
    };
    const daily = createDailyBudget({ ledger, repository: "octo/app", now: () => at });
    const metered = createMeteredModel(
      new ScriptedModel([costing(0.2), costing(0.3), costing(0.1)]),
      {},
      daily,
    );
    for (const stage of ["plan", "implement", "implement"])
      await metered.model.generate(ask(stage));
    expect(added).toEqual([0.2, 0.3, 0.1]);
    expect(metered.totals().calls).toBe(3);
  });

  it("a ledger that cannot be read stops the run as a retryable error, before the call", async () => {
    const ledger: SpendLedger = {
      add: async () => {},
      spentToday: async () => {
        throw new Error("SQLITE_CORRUPT");
      },
      close: async () => {},
    };
    const inner = new ScriptedModel([costing(0.2)]);
    const daily = createDailyBudget({ ledger, repository: "o/r", repositoryUsd: 1 });
    const metered = createMeteredModel(inner, {}, daily);
    const error = (await metered.model.generate(ask("plan")).catch((e: unknown) => e)) as {
      isRetryable: boolean;
      userMessage: string;
    };
    expect(error.isRetryable).toBe(true);
    expect(error.userMessage).toMatch(/daily budget could not be checked/);
    expect(inner.calls).toHaveLength(0);
  });
});
