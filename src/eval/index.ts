export { parseDataset, readDataset, type EvalInstance } from "./dataset.js";
export { runEval, type EvalReport, type InstanceResult, type RunEvalInput } from "./run-eval.js";
export { renderEvalTable } from "./report.js";
