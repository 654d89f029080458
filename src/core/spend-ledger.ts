/**
 * The SpendLedger port: what the model cost per repository and per installation per UTC
 * day, shared by every worker that uses the same store, so daily budgets hold across jobs
 * and processes. Each model call is added as it returns; a job checks before each call.
 */

export interface SpendScope {
  kind: "repository" | "installation";
  /** `owner/name` for a repository; the installation id as text for an installation. */
  id: string;
}

export interface SpendLedger {
  /** Adds one call's cost to today's (UTC, by `at`) total of every scope. */
  add(scopes: readonly SpendScope[], usd: number, at?: Date): Promise<void>;
  /** Today's (UTC, by `at`) total for the scope in US dollars (0 when nothing was spent). */
  spentToday(scope: SpendScope, at?: Date): Promise<number>;
  close(): Promise<void>;
}

/** The UTC day a spend belongs to, `YYYY-MM-DD`. */
export function spendDay(at: Date = new Date()): string {
  return at.toISOString().slice(0, 10);
}
