/**
 * After the edits, the model reports per item whether it addressed it, with a reply: one
 * forced call of report_feedback, validated with zod. An item it left out counts as not
 * addressed, so every thread gets an honest answer.
 */
import { z } from "zod";
import {
  render,
  silentLogger,
  toolCalls,
  type JsonSchema,
  type LanguageModel,
  type Logger,
  type ToolSpec,
} from "../core/index.js";
import type { FeedbackItem, FeedbackReport } from "./types.js";

export const REPORT_TOOL_NAME = "report_feedback";

const reportSchema = z.object({
  items: z
    .array(
      z.object({
        id: z.number().int().describe("The item id."),
        addressed: z.boolean().describe("True only when this round's change addresses it."),
        reply: z
          .string()
          .trim()
          .min(1)
          .max(2_000)
          .describe("For the reviewer: what changed, or why it was not addressed."),
      }),
    )
    .describe("One entry per item."),
  summary: z.string().trim().min(1).max(4_000).describe("What this round changed, briefly."),
});

function inputSchema(): JsonSchema {
  const schema = z.toJSONSchema(reportSchema, { io: "input" }) as JsonSchema;
  delete schema.$schema;
  return schema;
}

const reportTool: ToolSpec = {
  kind: "function",
  name: REPORT_TOOL_NAME,
  description: "Report, for each feedback item, whether it was addressed and the reply to post.",
  inputSchema: inputSchema(),
};

export async function reportFeedback(input: {
  model: LanguageModel;
  items: FeedbackItem[];
  diff: string;
  gateFailed?: string;
  logger?: Logger;
  /** The job's cancel: the model call in flight is dropped. */
  signal?: AbortSignal;
}): Promise<FeedbackReport> {
  const logger = (input.logger ?? silentLogger).child({ stage: "feedback" });
  const prompt = await render("prompts/feedback-report.md", {
    items: input.items,
    diff: input.diff.slice(0, 30_000).trim(),
    gateFailed: input.gateFailed ?? "",
  });
  const response = await input.model.generate({
    stage: "feedback",
    system: "You report on review feedback you worked on. Be factual and brief.",
    messages: [{ role: "user", content: [{ type: "text", text: prompt }] }],
    tools: [reportTool],
    toolChoice: { type: "tool", name: REPORT_TOOL_NAME },
    maxTokens: 4_000,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const call = toolCalls(response).find((c) => c.name === REPORT_TOOL_NAME);
  const parsed = call ? reportSchema.safeParse(call.input) : undefined;
  if (!parsed?.success) logger.warn("the model's feedback report was missing or out of schema");
  const byId = new Map((parsed?.success ? parsed.data.items : []).map((v) => [v.id, v]));
  return {
    summary: parsed?.success ? parsed.data.summary : "",
    verdicts: input.items.map((item) => {
      const verdict = byId.get(item.id);
      return verdict
        ? { id: item.id, addressed: verdict.addressed, reply: verdict.reply }
        : {
            id: item.id,
            addressed: false,
            reply: "The model gave no account of this comment, so it is left for a person.",
          };
    }),
  };
}
