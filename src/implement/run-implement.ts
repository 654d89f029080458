/**
 * The implement stage: an edit loop in which the model drives Anthropic's text editor over the
 * checkout, capped in turns. One turn is one model call; the tool results go back in the next.
 */
import {
  CancelledError,
  EDITOR_TOOL_NAME,
  silentLogger,
  textOf,
  toolCalls,
  type Checkout,
  type ContentBlock,
  type ContextPack,
  type Issue,
  type LanguageModel,
  type Logger,
  type Message,
  type Mode,
  type Plan,
} from "../core/index.js";
import { createEditor, type EditorResult } from "./editor-tool.js";
import { renderLastTurn, renderRepair, renderSystem, renderTask } from "./implement-prompt.js";
import { createPathGuard } from "./safe-path.js";

export interface ImplementInput {
  model: LanguageModel;
  checkout: Checkout;
  issue: Issue;
  plan: Plan;
  context: ContextPack;
  mode: Mode;
  instructions?: string;
  /** The gate's findings (repair round) or the review comments (review round). */
  feedback?: string;
  maxTurns: number;
  logger?: Logger;
  /** Globs the model may view but not change (picomatch, relative to the root). */
  protectedPaths?: string[];
  /** Output limit of one turn; whole-file creates need room. */
  maxTokens?: number;
  /** The model stage this loop is billed and routed as: "implement", "repair", "feedback". */
  stage?: string;
  /** `/cancel`: no further turn starts once it is aborted. */
  signal?: AbortSignal;
}

export interface ImplementResult {
  turns: number;
  summary: string;
  filesTouched: string[];
  /** The last model stop reason ("end_turn", "max_tokens", "refusal", ...) or "max_turns". */
  stopReason: string;
}

const CUT_OFF =
  "Not executed: this call was cut off by the output limit, so its input is incomplete. Make smaller edits (str_replace on a part of the file instead of create with the whole file).";

export async function runImplement(input: ImplementInput): Promise<ImplementResult> {
  const logger = (input.logger ?? silentLogger).child({ stage: "implement" });
  const guard = createPathGuard(input.checkout.dir, input.protectedPaths);
  const editor = createEditor({ checkout: input.checkout, guard, logger });
  const system = await renderSystem(input.mode, input.maxTurns);

  const opening: ContentBlock[] = [{ type: "text", text: await renderTask(input) }];
  if (input.feedback?.trim())
    opening.push({ type: "text", text: await renderRepair(input.checkout, input.feedback) });
  const messages: Message[] = [{ role: "user", content: opening }];

  const touched = new Set<string>();
  let lastText = "";
  for (let turn = 1; turn <= input.maxTurns; turn++) {
    if (input.signal?.aborted) throw new CancelledError("implement cancelled");
    const response = await input.model.generate({
      stage: input.stage ?? "implement",
      system,
      messages,
      tools: [{ kind: "text-editor" }],
      toolChoice: { type: "auto" },
      maxTokens: input.maxTokens ?? 16_000,
      ...(input.signal ? { signal: input.signal } : {}),
    });
    messages.push({ role: "assistant", content: response.content });
    const text = textOf(response).trim();
    if (text) lastText = text;
    const calls = toolCalls(response);
    if (calls.length === 0) {
      logger.info(
        { turns: turn, files: touched.size, stopReason: response.stopReason },
        "implement finished",
      );
      return {
        turns: turn,
        summary: lastText || "The model finished without a summary.",
        filesTouched: [...touched].sort(),
        stopReason: response.stopReason,
      };
    }

    const results: ContentBlock[] = [];
    for (const [index, call] of calls.entries()) {
      let result: EditorResult;
      if (response.stopReason === "max_tokens" && index === calls.length - 1) {
        result = { content: CUT_OFF, isError: true };
      } else if (call.name !== EDITOR_TOOL_NAME) {
        result = {
          content: `There is no tool named ${call.name}; use ${EDITOR_TOOL_NAME}.`,
          isError: true,
        };
      } else {
        result = await editor.execute(call.input);
      }
      if (result.changed) touched.add(result.changed);
      if (result.isError)
        logger.debug({ turn, error: result.content.slice(0, 200) }, "editor call refused");
      results.push({
        type: "tool_result",
        toolUseId: call.id,
        content: result.content,
        ...(result.isError ? { isError: true } : {}),
      });
    }
    if (turn === input.maxTurns - 1) results.push({ type: "text", text: await renderLastTurn() });
    messages.push({ role: "user", content: results });
  }

  logger.warn({ turns: input.maxTurns, files: touched.size }, "implement stopped at the turn cap");
  return {
    turns: input.maxTurns,
    summary: `Stopped after ${input.maxTurns} turns (the cap)${lastText ? `: ${lastText}` : "."}`,
    filesTouched: [...touched].sort(),
    stopReason: "max_turns",
  };
}
