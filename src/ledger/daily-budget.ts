/**
 * Daily budgets of one job's repository and installation, checked before each model call
 * against the shared ledger, to which each call is added as it returns: concurrent jobs
 * (in any process sharing the ledger) see each other's spend at their next call.
 */
import {
  DailyBudgetExceededError,
  PatchsmithError,
  type Logger,
  type SpendLedger,
  type SpendScope,
} from "../core/index.js";

export interface DailyBudgetOptions {
  ledger: SpendLedger;
  /** `owner/name`. */
  repository: string;
  /** The GitHub App installation id; absent for local runs and GitHub Actions. */
  installation?: string | undefined;
  /** PATCHSMITH_DAILY_USD_PER_REPO: every repository's daily budget unless it sets a lower one. */
  repositoryUsd?: number | undefined;
  /** PATCHSMITH_DAILY_USD_PER_INSTALLATION: all repositories of one installation together. */
  installationUsd?: number | undefined;
  logger?: Logger;
  now?: () => Date;
}

export interface DailyBudget {
  /** Before a model call: throws DailyBudgetExceededError when a budget that applies is spent. */
  guard(stage: string): Promise<void>;
  /** After a model call: adds its cost to today's totals of the repository and installation. */
  onSpend(usd: number): Promise<void>;
  /**
   * The repository's own `budget.dailyUsd` (read after the checkout): it applies when it is
   * lower than the operator's, so a repository can lower its budget, never raise it.
   */
  tighten(usd: number, source: string): void;
}

interface Limit {
  usd: number;
  /** What to raise, as said to the user. */
  raise: string;
}

const OPERATOR_REPO = "PATCHSMITH_DAILY_USD_PER_REPO";
const OPERATOR_INSTALLATION = "PATCHSMITH_DAILY_USD_PER_INSTALLATION";

export function createDailyBudget(options: DailyBudgetOptions): DailyBudget {
  const now = options.now ?? (() => new Date());
  const repository: SpendScope = { kind: "repository", id: options.repository };
  const installation: SpendScope | undefined =
    options.installation !== undefined
      ? { kind: "installation", id: options.installation }
      : undefined;
  const scopes = installation ? [repository, installation] : [repository];
  let repositoryLimit: Limit | undefined =
    options.repositoryUsd !== undefined
      ? {
          usd: options.repositoryUsd,
          raise: `The operator of this patchsmith can raise ${OPERATOR_REPO} in the worker's environment (a repository's \`budget.dailyUsd\` can only lower it)`,
        }
      : undefined;
  const installationLimit: Limit | undefined =
    installation && options.installationUsd !== undefined
      ? {
          usd: options.installationUsd,
          raise: `The operator of this patchsmith can raise ${OPERATOR_INSTALLATION} in the worker's environment`,
        }
      : undefined;
  let calls = 0;

  async function spent(scope: SpendScope, at: Date): Promise<number> {
    try {
      return await options.ledger.spentToday(scope, at);
    } catch (error) {
      throw new PatchsmithError(`spend ledger unreadable: ${String(error)}`, {
        isRetryable: true,
        cause: error,
        userMessage:
          "The daily budget could not be checked (the spend ledger in the worker's data directory could not be read), so the run stopped before its next model call. Comment `/retry` to try again; if it keeps happening, the operator should look at the worker's logs.",
      });
    }
  }

  function exceeded(
    scope: SpendScope,
    limit: Limit,
    usd: number,
    stage: string,
    at: Date,
  ): DailyBudgetExceededError {
    const resetsAt = nextUtcMidnight(at);
    const whose =
      scope.kind === "repository"
        ? `This repository's daily model budget is spent: ${dollars(usd)} of ${dollars(limit.usd)} today (UTC) across every patchsmith run in ${scope.id}`
        : `This installation's daily model budget is spent: ${dollars(usd)} of ${dollars(limit.usd)} today (UTC) across every repository of installation ${scope.id}`;
    const when = calls === 0 ? "its first" : "its next";
    return new DailyBudgetExceededError(
      `daily ${scope.kind} budget spent: ${scope.kind} ${scope.id} $${usd.toFixed(4)} of $${limit.usd.toFixed(2)} (next stage: ${stage})`,
      {
        budget: scope.kind,
        resetsAt,
        userMessage: `${whose}, so this run stopped before ${when} model call (${stage}). ${limit.raise}, or wait: the day resets at 00:00 UTC (${untilText(resetsAt.getTime() - at.getTime())}).`,
      },
    );
  }

  return {
    async guard(stage) {
      const at = now();
      // The installation first: when it is spent, raising the repository's budget would not help.
      if (installation && installationLimit) {
        const usd = await spent(installation, at);
        if (usd >= installationLimit.usd)
          throw exceeded(installation, installationLimit, usd, stage, at);
      }
      if (repositoryLimit) {
        const usd = await spent(repository, at);
        if (usd >= repositoryLimit.usd) throw exceeded(repository, repositoryLimit, usd, stage, at);
      }
    },
    async onSpend(usd) {
      calls += 1;
      try {
        await options.ledger.add(scopes, usd, now());
      } catch (error) {
        // The call is paid for and its answer is good: losing it over the ledger would cost
        // more. Today's totals then miss this call, which the log says.
        options.logger?.warn(
          { err: String(error), usd, scopes: scopes.map((s) => `${s.kind}:${s.id}`) },
          "could not add a model call's cost to the spend ledger",
        );
      }
    },
    tighten(usd, source) {
      if (repositoryLimit && repositoryLimit.usd <= usd) return;
      const ceiling =
        options.repositoryUsd !== undefined
          ? ` (up to ${dollars(options.repositoryUsd)}, the operator's ${OPERATOR_REPO})`
          : "";
      repositoryLimit = { usd, raise: `Raise ${source}${ceiling}` };
    },
  };
}

function nextUtcMidnight(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
}

function untilText(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `in ${hours} h` : `in ${hours} h ${rest} min`;
}

function dollars(usd: number): string {
  return `$${usd > 0 && usd < 0.01 ? usd.toFixed(4) : usd.toFixed(2)}`;
}
