import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CancelledError,
  EDITOR_TOOL_NAME,
  ModelError,
  toolCalls,
  textOf,
  type Logger,
  type ModelRequest,
} from "../../../src/core/index.js";
import { createAnthropicModel, toAnthropicParams } from "../../../src/llm/index.js";
import { anthropicReply, sseBody } from "../../fakes/anthropic-nock.js";
import { cancelAfter } from "../../fakes/cancel-after.js";
import {
  editorCall,
  response,
  text,
  textBlock,
  toolUse,
  toolUseBlock,
} from "../../fakes/scripted-model.js";

const BASE = "https://api.anthropic.com";
const KEY = "sk-ant-test-secret-key-0123456789";

function recordingLogger(lines: unknown[]): Logger {
  const log = (level: string) => (obj: object | string, msg?: string) =>
    lines.push({ level, obj, msg });
  const logger: Logger = {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    child: () => logger,
  };
  return logger;
}

const request = (over: Partial<ModelRequest> = {}): ModelRequest => ({
  stage: "implement",
  system: "You edit code.",
  messages: [{ role: "user", content: [{ type: "text", text: "Fix the bug." }] }],
  maxTokens: 1024,
  ...over,
});

describe("createAnthropicModel", () => {
  let logs: unknown[];
  beforeEach(() => {
    nock.disableNetConnect();
    logs = [];
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    expect(pending).toEqual([]);
    expect(JSON.stringify(logs)).not.toContain(KEY);
  });

  const model = (over: Partial<Parameters<typeof createAnthropicModel>[0]> = {}) =>
    createAnthropicModel({
      apiKey: KEY,
      baseURL: BASE,
      model: "claude-sonnet-4-5",
      logger: recordingLogger(logs),
      maxRetries: 2,
      ...over,
    });

  it("streams a text answer and reports usage, stop reason and cost", async () => {
    const llm = anthropicReply(BASE, [
      response([textBlock("The bug is in parse().")], {
        usage: {
          inputTokens: 1_000_000,
          outputTokens: 100_000,
          cacheReadTokens: 1_000_000,
          cacheWriteTokens: 1_000_000,
        },
      }),
    ]);
    const result = await model().generate(request());
    expect(textOf(result)).toBe("The bug is in parse().");
    expect(result.stopReason).toBe("end_turn");
    expect(result.usage).toEqual({
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      cacheReadTokens: 1_000_000,
      cacheWriteTokens: 1_000_000,
    });
    // $3 input + $1.50 output + $0.30 cache read + $3.75 cache write.
    expect(result.costUsd).toBeCloseTo(8.55, 6);
    expect(result.model).toBe("claude-sonnet-4-5-20250929");
    const sent = llm.requests[0]!;
    expect(sent.body.stream).toBe(true);
    expect(sent.body.model).toBe("claude-sonnet-4-5");
    expect(sent.body.max_tokens).toBe(1024);
    // The SDK sends the key as a credential header, never in the body.
    const credential = String(sent.headers["x-api-key"] ?? sent.headers["authorization"] ?? "");
    expect(credential).toContain(KEY);
    expect(JSON.stringify(sent.body)).not.toContain(KEY);
  });

  it("maps tools, tool choice, cache breakpoints and tool results into the request", async () => {
    const llm = anthropicReply(BASE, [editorCall({ command: "view", path: "src/a.ts" })]);
    const result = await model().generate(
      request({
        tools: [
          {
            kind: "function",
            name: "submit_plan",
            description: "Submit the plan",
            inputSchema: { type: "object", properties: {} },
          },
          { kind: "text-editor" },
        ],
        toolChoice: { type: "auto" },
        messages: [
          { role: "user", content: [{ type: "text", text: "Fix it." }] },
          {
            role: "assistant",
            content: [
              {
                type: "tool_use",
                id: "toolu_1",
                name: EDITOR_TOOL_NAME,
                input: { command: "view", path: "." },
              },
            ],
          },
          {
            role: "user",
            content: [
              { type: "tool_result", toolUseId: "toolu_1", content: "no such file", isError: true },
            ],
          },
        ],
      }),
    );
    expect(toolCalls(result)).toEqual([
      {
        type: "tool_use",
        id: expect.any(String),
        name: EDITOR_TOOL_NAME,
        input: { command: "view", path: "src/a.ts" },
      },
    ]);
    expect(result.stopReason).toBe("tool_use");
    const body = llm.requests[0]!.body;
    expect(body.system).toEqual([
      { type: "text", text: "You edit code.", cache_control: { type: "ephemeral" } },
    ]);
    expect(body.tools).toEqual([
      {
        name: "submit_plan",
        description: "Submit the plan",
        input_schema: { type: "object", properties: {} },
      },
      {
        type: "text_editor_20250728",
        name: "str_replace_based_edit_tool",
        cache_control: { type: "ephemeral" },
      },
    ]);
    expect(body.tool_choice).toEqual({ type: "auto" });
    expect(body.messages[1].content).toEqual([
      {
        type: "tool_use",
        id: "toolu_1",
        name: EDITOR_TOOL_NAME,
        input: { command: "view", path: "." },
      },
    ]);
    expect(body.messages[2]).toEqual({
      role: "user",
      content: [
        {
          type: "tool_result",
          tool_use_id: "toolu_1",
          content: "no such file",
          is_error: true,
          cache_control: { type: "ephemeral" },
        },
      ],
    });
  });

  it("forces a named tool and picks the model of the stage", async () => {
    const plan = { summary: "s", steps: ["a"], files: [], testStrategy: "t", risks: [] };
    const llm = anthropicReply(BASE, [toolUse("submit_plan", plan, { text: "Here is the plan." })]);
    const result = await model({ modelsByStage: { plan: "claude-opus-4-7" } }).generate(
      request({
        stage: "plan",
        tools: [
          {
            kind: "function",
            name: "submit_plan",
            description: "d",
            inputSchema: { type: "object" },
          },
        ],
        toolChoice: { type: "tool", name: "submit_plan" },
      }),
    );
    expect(llm.requests[0]!.body.model).toBe("claude-opus-4-7");
    expect(llm.requests[0]!.body.tool_choice).toEqual({ type: "tool", name: "submit_plan" });
    expect(textOf(result)).toBe("Here is the plan.");
    expect(toolCalls(result)[0]!.input).toEqual(plan);
  });

  it("retries a 429 and then succeeds", async () => {
    const llm = anthropicReply(BASE, [
      { status: 429, error: { type: "rate_limit_error", message: "slow down" } },
      text("ok"),
    ]);
    const result = await model().generate(request());
    expect(textOf(result)).toBe("ok");
    expect(llm.requests).toHaveLength(2);
  });

  it("retries an overloaded 529 until the retries run out, then says it may be retried later", async () => {
    const overloaded = { status: 529, error: { type: "overloaded_error", message: "Overloaded" } };
    anthropicReply(BASE, [overloaded, overloaded, overloaded]);
    const error = await model()
      .generate(request())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).isRetryable).toBe(true);
    expect((error as ModelError).userMessage).toMatch(/retried later/);
  });

  it("drops a call in flight when the job is cancelled, and does not retry it", async () => {
    nock(BASE)
      .post("/v1/messages")
      .delay(10_000)
      .reply(200, sseBody(text("too late")), { "content-type": "text/event-stream" });
    const { error, ms } = await cancelAfter(50, (signal) => model().generate(request({ signal })));
    expect(error).toBeInstanceOf(CancelledError);
    expect(ms).toBeLessThan(2_000);
  });

  it("a cancel during the wait before a retry ends the call without the retry", async () => {
    const llm = anthropicReply(BASE, [
      {
        status: 529,
        error: { type: "overloaded_error", message: "Overloaded" },
        headers: { "retry-after-ms": "30000" },
      },
    ]);
    const { error, ms } = await cancelAfter(100, (signal) => model().generate(request({ signal })));
    expect(error).toBeInstanceOf(CancelledError);
    expect(ms).toBeLessThan(2_000);
    expect(llm.requests).toHaveLength(1);
  });

  it("turns a 401 into a ModelError that is not retryable and names ANTHROPIC_API_KEY", async () => {
    const llm = anthropicReply(BASE, [
      { status: 401, error: { type: "authentication_error", message: "invalid x-api-key" } },
    ]);
    const error = await model()
      .generate(request())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).isRetryable).toBe(false);
    expect((error as ModelError).userMessage).toContain("ANTHROPIC_API_KEY");
    expect((error as ModelError).message).not.toContain(KEY);
    expect(llm.requests).toHaveLength(1);
  });

  it("tells the user to add credits when the balance is too low", async () => {
    anthropicReply(BASE, [
      {
        status: 400,
        error: {
          type: "invalid_request_error",
          message: "Your credit balance is too low to access the Anthropic API.",
        },
      },
    ]);
    const error = (await model()
      .generate(request())
      .catch((e: unknown) => e)) as ModelError;
    expect(error).toBeInstanceOf(ModelError);
    expect(error.isRetryable).toBe(false);
    expect(error.userMessage).toMatch(/Add credits/);
  });

  it("names the model setting on a 404", async () => {
    anthropicReply(BASE, [
      { status: 404, error: { type: "not_found_error", message: "model: claude-nope" } },
    ]);
    const error = (await model({ model: "claude-nope" })
      .generate(request())
      .catch((e: unknown) => e)) as ModelError;
    expect(error.userMessage).toContain("PATCHSMITH_MODEL");
  });

  it("maps max_tokens and a truncated tool call", async () => {
    anthropicReply(BASE, [
      response([toolUseBlock("submit_plan", { summary: "s" })], { stopReason: "max_tokens" }),
    ]);
    const result = await model().generate(request());
    expect(result.stopReason).toBe("max_tokens");
  });

  it("honours a base URL with a path", async () => {
    const llm = anthropicReply("http://127.0.0.1:9/proxy/anthropic", [text("hi")]);
    const result = await model({ baseURL: "http://127.0.0.1:9/proxy/anthropic" }).generate(
      request(),
    );
    expect(textOf(result)).toBe("hi");
    expect(llm.scope.isDone()).toBe(true);
  });

  it("refuses a tool result in an assistant message", async () => {
    const bad = request({
      messages: [
        { role: "assistant", content: [{ type: "tool_result", toolUseId: "x", content: "y" }] },
      ],
    });
    await expect(model().generate(bad)).rejects.toThrow(/belongs in a user message/);
  });
});

describe("createAnthropicModel, errors inside a stream", () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    expect(pending).toEqual([]);
  });

  it("retries an overloaded error that arrives after the stream started", async () => {
    const llm = anthropicReply(BASE, [
      { streamError: { type: "overloaded_error", message: "Overloaded" } },
      text("ok"),
    ]);
    const model = createAnthropicModel({
      apiKey: KEY,
      baseURL: BASE,
      model: "claude-sonnet-4-5",
      maxRetries: 1,
    });
    expect(textOf(await model.generate(request()))).toBe("ok");
    expect(llm.requests).toHaveLength(2);
  });

  it("gives up after the retries with a retryable ModelError", async () => {
    anthropicReply(BASE, [{ streamError: { type: "overloaded_error", message: "Overloaded" } }]);
    const model = createAnthropicModel({
      apiKey: KEY,
      baseURL: BASE,
      model: "claude-sonnet-4-5",
      maxRetries: 0,
    });
    const error = (await model.generate(request()).catch((e: unknown) => e)) as ModelError;
    expect(error).toBeInstanceOf(ModelError);
    expect(error.isRetryable).toBe(true);
  });
});

describe("toAnthropicParams", () => {
  it("leaves out empty text blocks and empty messages, which the API refuses", () => {
    const params = toAnthropicParams(
      request({
        messages: [
          { role: "user", content: [{ type: "text", text: "Plan it." }] },
          { role: "assistant", content: [{ type: "text", text: "" }] },
          {
            role: "user",
            content: [
              { type: "text", text: "Call submit_plan." },
              { type: "text", text: "" },
            ],
          },
        ],
      }),
      "claude-sonnet-4-5",
    );
    // The first block is the stable task prefix, cached so later turns reuse it.
    expect(params.messages).toEqual([
      {
        role: "user",
        content: [{ type: "text", text: "Plan it.", cache_control: { type: "ephemeral" } }],
      },
      {
        role: "user",
        content: [
          { type: "text", text: "Call submit_plan.", cache_control: { type: "ephemeral" } },
        ],
      },
    ]);
  });
});
