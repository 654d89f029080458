export { runGate } from "./run-gate.js";
export { renderGateReport } from "./report.js";
export { repairInstructions } from "./repair-instructions.js";
export { changedLinesOf, checkRunFor } from "./check-run.js";
export type { ChangedLines } from "./check-run.js";
export { registeredChecks } from "./checks/index.js";
export { diffAgainst } from "./diff.js";
export type { DiffInfo, FileChange, AddedLine } from "./diff.js";
export { ALWAYS_PROTECTED } from "./policy/protected-paths.js";
export type {
  CheckContext,
  CheckFinding,
  CheckOutcome,
  GateCheck,
  GateInput,
  GateSettings,
  RunnerOptions,
} from "./types.js";
export { isDocumentationFile, isTestFile } from "./mode-rules.js";
export { exportedNames } from "./exported-names.js";
