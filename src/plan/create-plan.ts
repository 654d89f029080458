/**
 * The plan stage: one forced call of submit_plan, validated with zod. An answer out of schema
 * gets one corrective turn that quotes the validation errors; a second miss is a ModelError.
 */
import {
  ModelError,
  render,
  silentLogger,
  toolCalls,
  type ContentBlock,
  type ContextPack,
  type Issue,
  type LanguageModel,
  type Logger,
  type Message,
  type Mode,
  type Plan,
} from "../core/index.js";
import { parsePlan, PLAN_TOOL_NAME, planTool } from "./plan-schema.js";

export interface CreatePlanInput {
  model: LanguageModel;
  issue: Issue;
  context: ContextPack;
  mode: Mode;
  instructions?: string;
  logger?: Logger;
  maxTokens?: number;
  /** The job's cancel: the model call in flight is dropped. */
  signal?: AbortSignal;
}

const MAX_ATTEMPTS = 2;

/** The issue and its human comments as the prompts show them; shared with the implement stage's template. */
async function renderIssue(issue: Issue, instructions: string | undefined): Promise<string> {
  return render("prompts/issue.md", {
    issue,
    comments: issue.comments.filter((comment) => !comment.isBot && comment.body.trim() !== ""),
    instructions: instructions?.trim() ?? "",
  });
}

export async function createPlan(input: CreatePlanInput): Promise<Plan> {
  const logger = (input.logger ?? silentLogger).child({ stage: "plan" });
  const modeAsk = await render(`prompts/modes/${input.mode}.md`, {});
  const system = await render("prompts/plan.md", { modeAsk });
  const task = await render("prompts/plan-task.md", {
    modeName: input.mode,
    issueText: await renderIssue(input.issue, input.instructions),
    context: input.context.text,
  });
  const messages: Message[] = [{ role: "user", content: [{ type: "text", text: task }] }];

  let problems: string[] = [];
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const response = await input.model.generate({
      stage: "plan",
      system,
      messages,
      tools: [planTool],
      toolChoice: { type: "tool", name: PLAN_TOOL_NAME },
      maxTokens: input.maxTokens ?? 8192,
      ...(input.signal ? { signal: input.signal } : {}),
    });
    const call = toolCalls(response).find((c) => c.name === PLAN_TOOL_NAME);
    if (call) {
      const parsed = parsePlan(call.input);
      if (parsed.ok) {
        logger.info(
          { attempt, steps: parsed.plan.steps.length, files: parsed.plan.files.length },
          "plan ready",
        );
        return parsed.plan;
      }
      problems = parsed.problems;
    } else {
      problems = [
        response.stopReason === "max_tokens"
          ? "the answer was cut off by the output limit before submit_plan was called; keep the plan shorter"
          : "submit_plan was not called",
      ];
    }
    if (call && response.stopReason === "max_tokens")
      problems.push("the answer hit the output limit; keep the plan shorter");
    logger.warn({ attempt, problems }, "plan out of schema");

    const correction = await render("prompts/plan-correction.md", { problems });
    const reply: ContentBlock[] = call
      ? [{ type: "tool_result", toolUseId: call.id, content: correction, isError: true }]
      : [{ type: "text", text: correction }];
    // Every tool call needs a result, even ones we ignore, or the API refuses the next request.
    for (const other of toolCalls(response)) {
      if (other !== call)
        reply.unshift({
          type: "tool_result",
          toolUseId: other.id,
          content: "Ignored: only submit_plan is available.",
          isError: true,
        });
    }
    messages.push(
      { role: "assistant", content: response.content },
      { role: "user", content: reply },
    );
  }

  throw new ModelError(
    `the model returned no valid plan after ${MAX_ATTEMPTS} attempts: ${problems.join("; ")}`,
    {
      phase: "plan",
      userMessage:
        "The model did not produce a valid plan, twice. Comment `/generate` to try again; if it keeps failing, add instructions after `/generate` that narrow the issue down.",
    },
  );
}
