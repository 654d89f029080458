/**
 * Port <-> Messages API shapes. Pure functions, so the request body the adapter sends can be
 * checked without a network.
 */
import type Anthropic from "@anthropic-ai/sdk";
import {
  EDITOR_TOOL_NAME,
  ModelError,
  type ContentBlock,
  type Message,
  type ModelRequest,
  type StopReason,
  type ToolChoice,
  type ToolSpec,
  type Usage,
} from "../core/index.js";

type Params = Anthropic.Messages.MessageCreateParamsNonStreaming;
type ToolParam = Anthropic.Messages.ToolUnion;
type BlockParam = Anthropic.Messages.ContentBlockParam;

const EPHEMERAL = { type: "ephemeral" } as const;

/** Anthropic's native editor for Claude 4 and later; its schema is built into the model. */
const TEXT_EDITOR_TYPE = "text_editor_20250728";

export function toAnthropicTool(tool: ToolSpec): ToolParam {
  if (tool.kind === "text-editor") return { type: TEXT_EDITOR_TYPE, name: EDITOR_TOOL_NAME };
  return {
    name: tool.name,
    description: tool.description,
    input_schema: tool.inputSchema as Anthropic.Messages.Tool.InputSchema,
  };
}

export function toAnthropicToolChoice(choice: ToolChoice): Anthropic.Messages.ToolChoice {
  switch (choice.type) {
    case "tool":
      return { type: "tool", name: choice.name };
    case "any":
      return { type: "any" };
    case "none":
      return { type: "none" };
    default:
      return { type: "auto" };
  }
}

function toAnthropicBlock(block: ContentBlock, role: Message["role"]): BlockParam {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: block.input ?? {} };
    case "tool_result":
      if (role !== "user") {
        throw new ModelError(
          `tool_result ${block.toolUseId} sent in an ${role} message; it belongs in a user message`,
        );
      }
      return {
        type: "tool_result",
        tool_use_id: block.toolUseId,
        content: block.content,
        ...(block.isError ? { is_error: true } : {}),
      };
  }
}

function withCacheBreakpoint(block: BlockParam): BlockParam {
  return { ...block, cache_control: EPHEMERAL } as BlockParam;
}

/**
 * Four cache breakpoints (the API's maximum): the last tool and the system prompt (the stable
 * prefix: tools come first in the cache order), the first block of the first message (the task:
 * issue, repository instructions, plan and context pack, which a repair round repeats word for
 * word, so it reads the first loop's cache), and the last block of the conversation, so each turn
 * of an edit loop reads the previous turns from the cache instead of paying for them again.
 */
export function toAnthropicParams(request: ModelRequest, model: string): Params {
  // The API refuses empty text blocks and empty messages; a model answer can contain either.
  const messages: Anthropic.Messages.MessageParam[] = request.messages
    .map((message) => ({
      role: message.role,
      content: message.content
        .filter((block) => block.type !== "text" || block.text !== "")
        .map((block) => toAnthropicBlock(block, message.role)),
    }))
    .filter((message) => message.content.length > 0);
  const first = messages[0];
  const firstIsLast = messages.length === 1 && (first?.content.length ?? 0) <= 1;
  if (first && Array.isArray(first.content) && first.content.length > 0 && !firstIsLast) {
    const blocks = first.content as BlockParam[];
    blocks[0] = withCacheBreakpoint(blocks[0]!);
  }
  const last = messages.at(-1);
  if (last && Array.isArray(last.content) && last.content.length > 0) {
    const blocks = last.content as BlockParam[];
    blocks[blocks.length - 1] = withCacheBreakpoint(blocks[blocks.length - 1]!);
  }
  const params: Params = {
    model,
    max_tokens: request.maxTokens,
    system: [{ type: "text", text: request.system, cache_control: EPHEMERAL }],
    messages,
  };
  if (request.tools && request.tools.length > 0) {
    const tools = request.tools.map(toAnthropicTool);
    tools[tools.length - 1] = {
      ...tools[tools.length - 1]!,
      cache_control: EPHEMERAL,
    } as ToolParam;
    params.tools = tools;
    if (request.toolChoice) params.tool_choice = toAnthropicToolChoice(request.toolChoice);
  }
  // `temperature` is not sent: the current Messages API (SDK 1.x) no longer takes it.
  return params;
}

export function fromAnthropicContent(content: Anthropic.Messages.ContentBlock[]): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  for (const block of content) {
    if (block.type === "text") blocks.push({ type: "text", text: block.text });
    else if (block.type === "tool_use")
      blocks.push({ type: "tool_use", id: block.id, name: block.name, input: block.input });
    // Thinking and server-tool blocks are not part of the port; nothing asks for them.
  }
  return blocks;
}

export function fromAnthropicStopReason(reason: string | null | undefined): StopReason {
  switch (reason) {
    case "end_turn":
    case "tool_use":
    case "max_tokens":
    case "stop_sequence":
    case "refusal":
      return reason;
    case "model_context_window_exceeded":
      return "max_tokens";
    default:
      return "other";
  }
}

export function fromAnthropicUsage(usage: Partial<Anthropic.Messages.Usage> | undefined): Usage {
  return {
    inputTokens: usage?.input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    cacheReadTokens: usage?.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage?.cache_creation_input_tokens ?? 0,
  };
}
