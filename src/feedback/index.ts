export type { FeedbackItem, FeedbackReport, FeedbackVerdict } from "./types.js";
export { collectFeedback, type CollectInput } from "./collect-feedback.js";
export { ciFeedbackText, renderFeedback } from "./feedback-prompt.js";
export { REPORT_TOOL_NAME, reportFeedback } from "./report-feedback.js";
export { postReplies, type PostRepliesInput, type PostRepliesResult } from "./post-replies.js";
