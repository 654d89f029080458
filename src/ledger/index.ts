export {
  DEFAULT_RETENTION_DAYS,
  SPEND_LEDGER_FILE,
  openSqliteSpendLedger,
  type SqliteSpendLedger,
  type SqliteSpendLedgerOptions,
} from "./sqlite-ledger.js";
export { openSpendLedger, openSpendLedgerLazily, type SpendLedgerSettings } from "./open-ledger.js";
export { createDailyBudget, type DailyBudget, type DailyBudgetOptions } from "./daily-budget.js";
export { unavailableSpendLedger } from "./unavailable-ledger.js";
