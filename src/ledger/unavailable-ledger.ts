/**
 * Stands in for a ledger that could not be opened (a data directory that is not writable,
 * a disk that is full): a job with no daily budget still runs, while one with a daily
 * budget stops before its first model call with a message, instead of passing the budget
 * unchecked or failing before its status comment could say anything.
 */
import type { SpendLedger } from "../core/index.js";

export function unavailableSpendLedger(cause: unknown): SpendLedger {
  const fail = () =>
    Promise.reject(new Error(`the spend ledger could not be opened: ${String(cause)}`, { cause }));
  return { add: fail, spentToday: fail, close: async () => {} };
}
