/** Port <-> OpenAI Chat Completions shapes (the dialect most self-hosted servers speak). */
import {
  ModelError,
  type ContentBlock,
  type ModelRequest,
  type StopReason,
  type ToolChoice,
  type ToolSpec,
  type Usage,
} from "../core/index.js";
import { EDITOR_FUNCTION } from "./editor-function.js";

export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: ChatToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

export interface ChatCompletion {
  model?: string;
  choices?: {
    message?: { content?: string | null; tool_calls?: ChatToolCall[] };
    finish_reason?: string | null;
  }[];
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number };
  };
}

function toChatTool(tool: ToolSpec) {
  if (tool.kind === "text-editor") return { type: "function" as const, function: EDITOR_FUNCTION };
  return {
    type: "function" as const,
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  };
}

function toChatToolChoice(choice: ToolChoice) {
  switch (choice.type) {
    case "tool":
      return { type: "function" as const, function: { name: choice.name } };
    case "any":
      return "required" as const;
    case "none":
      return "none" as const;
    default:
      return "auto" as const;
  }
}

function textOfBlocks(blocks: ContentBlock[]): string {
  return blocks
    .filter((b): b is Extract<ContentBlock, { type: "text" }> => b.type === "text")
    .map((b) => b.text)
    .join("\n");
}

export function toChatMessages(request: ModelRequest): ChatMessage[] {
  const out: ChatMessage[] = [{ role: "system", content: request.system }];
  for (const message of request.messages) {
    if (message.role === "assistant") {
      const calls: ChatToolCall[] = message.content
        .filter((b): b is Extract<ContentBlock, { type: "tool_use" }> => b.type === "tool_use")
        .map((b) => ({
          id: b.id,
          type: "function",
          function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) },
        }));
      const text = textOfBlocks(message.content);
      out.push({
        role: "assistant",
        content: text === "" ? null : text,
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
      });
      continue;
    }
    // Tool results are messages of their own, and must come right after the assistant's calls.
    for (const block of message.content) {
      if (block.type === "tool_use")
        throw new ModelError("tool_use sent in a user message; it belongs in an assistant message");
      if (block.type === "tool_result") {
        out.push({
          role: "tool",
          tool_call_id: block.toolUseId,
          content: block.isError ? `Error: ${block.content}` : block.content,
        });
      }
    }
    const text = textOfBlocks(message.content);
    if (text !== "") out.push({ role: "user", content: text });
  }
  return out;
}

export function toChatRequest(request: ModelRequest, model: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model,
    messages: toChatMessages(request),
    max_tokens: request.maxTokens,
  };
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map(toChatTool);
    if (request.toolChoice) body.tool_choice = toChatToolChoice(request.toolChoice);
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  return body;
}

function parseArguments(raw: string): unknown {
  try {
    return raw.trim() === "" ? {} : JSON.parse(raw);
  } catch {
    // Left for the tool's own validation to reject, which tells the model what was wrong.
    return { invalid_json_arguments: raw };
  }
}

export function fromChatCompletion(completion: ChatCompletion): {
  content: ContentBlock[];
  stopReason: StopReason;
  usage: Usage;
} {
  const choice = completion.choices?.[0];
  if (!choice?.message)
    throw new ModelError("the model server answered without a message", { isRetryable: true });
  const content: ContentBlock[] = [];
  if (choice.message.content) content.push({ type: "text", text: choice.message.content });
  for (const call of choice.message.tool_calls ?? []) {
    content.push({
      type: "tool_use",
      id: call.id,
      name: call.function.name,
      input: parseArguments(call.function.arguments),
    });
  }
  const stopReason: StopReason =
    choice.finish_reason === "stop"
      ? "end_turn"
      : choice.finish_reason === "tool_calls" || choice.finish_reason === "function_call"
        ? "tool_use"
        : choice.finish_reason === "length"
          ? "max_tokens"
          : choice.finish_reason === "content_filter"
            ? "refusal"
            : content.some((b) => b.type === "tool_use")
              ? "tool_use"
              : "other";
  const cached = completion.usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const usage: Usage = {
    inputTokens: Math.max((completion.usage?.prompt_tokens ?? 0) - cached, 0),
    outputTokens: completion.usage?.completion_tokens ?? 0,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
  };
  return { content, stopReason, usage };
}
