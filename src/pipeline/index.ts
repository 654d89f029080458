export {
  runIssueJob,
  type JobOutcome,
  type ModelMeter,
  type PipelineDeps,
} from "./run-issue-job.js";
export { afterGate, type AfterGate } from "./repair-routing.js";
export { issueForModel } from "./issue-input.js";
export { runUndoJob, lastRound, type UndoDeps, type UndoOutcome } from "./run-undo-job.js";
export { recordJobMetrics } from "./record-metrics.js";
export { runFeedbackJob } from "./run-feedback-job.js";
export { runGateLoop, type GateLoopInput, type GateLoopProgress } from "./gate-loop.js";
