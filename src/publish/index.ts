export { branchName, pullRequestTitle } from "./branch-name.js";
export {
  STATUS_MARKER,
  StatusComment,
  createStatusComment,
  findStatusComment,
  renderStatus,
  type StatusStep,
  type StatusView,
} from "./status-comment.js";
export {
  PR_MARKER,
  publishPullRequest,
  renderCommitMessage,
  renderPullRequestBody,
  type PublishInput,
  type PublishResult,
  type PullRequestBodyInput,
} from "./pull-request.js";
export { markerJsonOf, readRunState, type RunState, type StatusOutcome } from "./status-state.js";
export { PLAN_END, PLAN_START, readPlanFromComment, type PlanReading } from "./plan-markdown.js";
export {
  PR_STATE_MARKER,
  initialPullRequestState,
  parsePullRequestState,
  renderPullRequestState,
  withPullRequestState,
  type PullRequestState,
} from "./pr-state.js";
export { costTableData, formatUsd, renderCostTable, type CostTotals } from "./cost-table.js";
