/**
 * The LanguageModel port: one call = messages + tools + tool choice + limits
 * -> content, tool calls, usage, stop reason. Streaming, retries and prompt
 * caching belong to the adapter.
 */
import type { Usage } from "./types.js";

export type JsonSchema = Record<string, unknown>;

export type ContentBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: "tool_result"; toolUseId: string; content: string; isError?: boolean };

export interface Message {
  role: "user" | "assistant";
  content: ContentBlock[];
}

export type ToolSpec =
  | { kind: "function"; name: string; description: string; inputSchema: JsonSchema }
  /**
   * The file editing tool (view, create, str_replace, insert). Adapters map it to the
   * provider's native editor tool when there is one (Anthropic's text editor tool),
   * else to a function tool with the same commands. Its calls arrive under EDITOR_TOOL_NAME.
   */
  | { kind: "text-editor" };

export const EDITOR_TOOL_NAME = "str_replace_based_edit_tool";

export type ToolChoice =
  { type: "auto" } | { type: "any" } | { type: "tool"; name: string } | { type: "none" };

export type StopReason =
  "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "refusal" | "other";

export interface ModelRequest {
  /** Which pipeline stage asks; the adapter may choose a model per stage. */
  stage: string;
  /**
   * A model id chosen for this call (the repository's model for the stage). Adapters use it
   * over their own per-stage choice; a fallback provider with a model of its own ignores it.
   */
  model?: string;
  system: string;
  messages: Message[];
  tools?: ToolSpec[];
  toolChoice?: ToolChoice;
  maxTokens: number;
  temperature?: number;
  /**
   * The job's: aborted on `/cancel` (or shutdown past the grace period). The call in flight
   * is dropped, no retry follows, and generate rejects with a CancelledError.
   */
  signal?: AbortSignal;
}

export interface ModelResponse {
  content: ContentBlock[];
  stopReason: StopReason;
  usage: Usage;
  model: string;
  /** Cost of this call in US dollars, from the adapter's price table (0 when unknown). */
  costUsd: number;
}

export interface LanguageModel {
  readonly name: string;
  generate(request: ModelRequest): Promise<ModelResponse>;
}

export function toolCalls(response: ModelResponse): Extract<ContentBlock, { type: "tool_use" }>[] {
  return response.content.filter(
    (b): b is Extract<ContentBlock, { type: "tool_use" }> => b.type === "tool_use",
  );
}

export function textOf(response: ModelResponse): string {
  return response.content
    .filter((b): b is Extract<ContentBlock, { type: "text" }> => b.type === "text")
    .map((b) => b.text)
    .join("");
}
