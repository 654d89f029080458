/** The plan as structured output: a zod schema, offered to the model as the submit_plan tool. */
import { z } from "zod";
import type { JsonSchema, Plan, ToolSpec } from "../core/index.js";

export const PLAN_TOOL_NAME = "submit_plan";

const line = z.string().trim().min(1);

export const planSchema = z.object({
  summary: line.describe(
    "What the change does and why, in two or three sentences, for the pull request.",
  ),
  steps: z
    .array(line)
    .min(1)
    .max(30)
    .describe(
      "The steps of the change, in order; each one a sentence or two a reviewer can check.",
    ),
  files: z
    .array(line)
    .max(100)
    .describe("Paths from the repository root of the files to change or create."),
  testStrategy: line.describe("Which tests to add or change, and how to run them."),
  risks: z
    .array(line)
    .max(20)
    .default([])
    .describe("What could break, open questions, and parts of the issue left out on purpose."),
});

function toolInputSchema(): JsonSchema {
  const schema = z.toJSONSchema(planSchema, { io: "input" }) as JsonSchema;
  delete schema.$schema;
  return schema;
}

export const planTool: ToolSpec = {
  kind: "function",
  name: PLAN_TOOL_NAME,
  description:
    "Submit the development plan for the issue. Call it exactly once, with the whole plan.",
  inputSchema: toolInputSchema(),
};

export type ParsedPlan = { ok: true; plan: Plan } | { ok: false; problems: string[] };

export function parsePlan(input: unknown): ParsedPlan {
  const result = planSchema.safeParse(input);
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map(
        (issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(input)"}: ${issue.message}`,
      ),
    };
  }
  const { summary, steps, testStrategy, risks } = result.data;
  const files = [...new Set(result.data.files.map((file) => file.replace(/^\.?\/+/, "")))];
  return { ok: true, plan: { summary, steps, files, testStrategy, risks } };
}
