/**
 * Scripts Anthropic's Messages API at the HTTP layer with nock, replaying real-shaped streaming
 * (SSE) responses, so tests run the real adapter and the real SDK against a fake server.
 *
 * Usage (an end-to-end test):
 *
 *   import nock from "nock";
 *   import { anthropicReply } from "../fakes/anthropic-nock.js";
 *   import { toolUse, editorCall, text } from "../fakes/scripted-model.js";
 *
 *   nock.disableNetConnect(); nock.enableNetConnect("127.0.0.1");
 *   const llm = anthropicReply("https://api.anthropic.com", [
 *     toolUse("submit_plan", { summary: "...", steps: ["..."], files: ["src/a.js"], testStrategy: "...", risks: [] }),
 *     editorCall({ command: "str_replace", path: "src/a.js", old_str: "a", new_str: "b" }),
 *     text("Changed a to b."),
 *   ]);
 *   ...run the pipeline with createAnthropicModel({ apiKey: "test-key", model: "claude-sonnet-4-5", baseURL: "https://api.anthropic.com" })...
 *   expect(llm.scope.isDone()).toBe(true);                      // every scripted reply was asked for
 *   expect(llm.requests[1]!.body.messages).toEqual(...);         // what the model was sent
 *
 * Each step answers one POST /v1/messages, in order. A step is a ModelResponse-like object
 * (`content` of text and tool_use blocks, optional `stopReason`, `usage`, `model`: the helpers in
 * scripted-model.ts build them), an `{ status, error }` failure such as a 429 (sent with
 * `retry-after-ms: 1`, so the SDK's retry is quick), or a `{ streamError }` that breaks off a
 * started stream. A request past
 * the script is an unmatched request, which nock refuses (with disableNetConnect) and the test
 * fails. Pass a nock scope instead of a base URL to add the replies to a scope you already have;
 * a base URL with a path ("http://localhost:8080/anthropic") is honoured as the SDK uses it.
 */
import nock from "nock";
import type { ContentBlock, StopReason, Usage } from "../../src/core/index.js";
import { SCRIPTED_MODEL } from "./scripted-model.js";

const DEFAULT_MODEL = "claude-sonnet-4-5-20250929";

export interface ScriptedReply {
  content: ContentBlock[];
  stopReason?: StopReason;
  usage?: Partial<Usage>;
  model?: string;
}

export interface ScriptedFailure {
  status: number;
  error: { type: string; message: string };
  headers?: Record<string, string>;
}

/** A stream that starts with 200 and then sends an `error` event, as the API does when overloaded mid-way. */
export interface ScriptedStreamError {
  streamError: { type: string; message: string };
}

export type AnthropicStep = ScriptedReply | ScriptedFailure | ScriptedStreamError;

export interface RecordedRequest {
  // The Messages API body as sent; loosely typed on purpose (tests read what they check).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

export interface AnthropicReplies {
  scope: nock.Scope;
  requests: RecordedRequest[];
}

let messageCounter = 1;

function event(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** Splits a string into up to three pieces, so the SDK's delta accumulation is exercised. */
function pieces(value: string): string[] {
  if (value.length < 3) return [value];
  const third = Math.ceil(value.length / 3);
  return [value.slice(0, third), value.slice(third, 2 * third), value.slice(2 * third)].filter(
    (p) => p.length > 0,
  );
}

/** The SSE body of one streamed message, as the Messages API sends it. */
export function sseBody(reply: ScriptedReply): string {
  const usage = {
    inputTokens: 1200,
    outputTokens: 80,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    ...reply.usage,
  };
  const hasToolUse = reply.content.some((b) => b.type === "tool_use");
  const stopReason = reply.stopReason ?? (hasToolUse ? "tool_use" : "end_turn");
  let out = event("message_start", {
    message: {
      id: `msg_scripted_${messageCounter++}`,
      type: "message",
      role: "assistant",
      // Responses built for ScriptedModel say "scripted"; over HTTP they come from a real model id.
      model:
        reply.model === undefined || reply.model === SCRIPTED_MODEL ? DEFAULT_MODEL : reply.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: usage.inputTokens,
        cache_creation_input_tokens: usage.cacheWriteTokens,
        cache_read_input_tokens: usage.cacheReadTokens,
        output_tokens: 1,
      },
    },
  });
  out += event("ping", {});
  reply.content.forEach((block, index) => {
    if (block.type === "text") {
      out += event("content_block_start", { index, content_block: { type: "text", text: "" } });
      for (const part of pieces(block.text)) {
        out += event("content_block_delta", { index, delta: { type: "text_delta", text: part } });
      }
    } else if (block.type === "tool_use") {
      out += event("content_block_start", {
        index,
        content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
      });
      for (const part of pieces(JSON.stringify(block.input ?? {}))) {
        out += event("content_block_delta", {
          index,
          delta: { type: "input_json_delta", partial_json: part },
        });
      }
    } else {
      throw new Error("anthropicReply: a reply holds only text and tool_use blocks");
    }
    out += event("content_block_stop", { index });
  });
  out += event("message_delta", {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: usage.outputTokens },
  });
  out += event("message_stop", {});
  return out;
}

function isFailure(step: AnthropicStep): step is ScriptedFailure {
  return "status" in step;
}

function streamErrorBody(step: ScriptedStreamError): string {
  return (
    event("message_start", {
      message: {
        id: `msg_scripted_${messageCounter++}`,
        type: "message",
        role: "assistant",
        model: DEFAULT_MODEL,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 1 },
      },
    }) + event("error", { error: step.streamError })
  );
}

export function anthropicReply(
  target: string | nock.Scope,
  steps: AnthropicStep[],
): AnthropicReplies {
  let scope: nock.Scope;
  let path = "/v1/messages";
  if (typeof target === "string") {
    const url = new URL(target);
    scope = nock(url.origin);
    path = `${url.pathname.replace(/\/+$/, "")}/v1/messages`;
  } else {
    scope = target;
  }
  const requests: RecordedRequest[] = [];
  for (const step of steps) {
    scope.post(path).reply(function (_uri, requestBody) {
      const body = typeof requestBody === "string" ? JSON.parse(requestBody) : requestBody;
      requests.push({ body, headers: { ...this.req.headers } });
      if (isFailure(step)) {
        return [
          step.status,
          JSON.stringify({ type: "error", error: step.error }),
          { "content-type": "application/json", "retry-after-ms": "1", ...step.headers },
        ];
      }
      const sse = "streamError" in step ? streamErrorBody(step) : sseBody(step);
      return [200, sse, { "content-type": "text/event-stream", "cache-control": "no-cache" }];
    });
  }
  return { scope, requests };
}
