import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CancelledError,
  EDITOR_TOOL_NAME,
  ModelError,
  textOf,
  toolCalls,
  type ModelRequest,
} from "../../../src/core/index.js";
import { runImplement } from "../../../src/implement/index.js";
import { createOpenAICompatibleModel, EDITOR_FUNCTION_SCHEMA } from "../../../src/llm/index.js";
import { cancelAfter } from "../../fakes/cancel-after.js";
import { createTempCheckout } from "../../fakes/temp-checkout.js";

const BASE = "http://llm.test/v1";

const completion = (
  message: Record<string, unknown>,
  finish_reason: string,
  usage = { prompt_tokens: 50, completion_tokens: 5 },
) => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  model: "qwen3-coder",
  choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason }],
  usage,
});

const request = (over: Partial<ModelRequest> = {}): ModelRequest => ({
  stage: "implement",
  system: "You edit code.",
  messages: [{ role: "user", content: [{ type: "text", text: "Fix it." }] }],
  maxTokens: 512,
  ...over,
});

describe("createOpenAICompatibleModel", () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    expect(pending).toEqual([]);
  });

  const model = (over = {}) =>
    createOpenAICompatibleModel({
      baseURL: BASE,
      model: "qwen3-coder",
      apiKey: "local-key",
      maxRetries: 2,
      ...over,
    });

  it("maps messages, tools and tool choice, and reads tool calls and usage back", async () => {
    let sent: Record<string, unknown> | undefined;
    let auth: string | undefined;
    nock("http://llm.test")
      .post("/v1/chat/completions")
      .reply(function (_uri, body) {
        sent = body as Record<string, unknown>;
        auth = this.req.headers.authorization as string;
        return [
          200,
          completion(
            {
              content: "Looking.",
              tool_calls: [
                {
                  id: "call_2",
                  type: "function",
                  function: {
                    name: EDITOR_TOOL_NAME,
                    arguments: '{"command":"view","path":"src"}',
                  },
                },
              ],
            },
            "tool_calls",
            {
              prompt_tokens: 120,
              completion_tokens: 9,
              prompt_tokens_details: { cached_tokens: 100 },
            } as never,
          ),
        ];
      });
    const result = await model().generate(
      request({
        tools: [{ kind: "text-editor" }],
        toolChoice: { type: "tool", name: EDITOR_TOOL_NAME },
        messages: [
          { role: "user", content: [{ type: "text", text: "Fix it." }] },
          {
            role: "assistant",
            content: [
              { type: "text", text: "" },
              {
                type: "tool_use",
                id: "call_1",
                name: EDITOR_TOOL_NAME,
                input: { command: "view", path: "." },
              },
            ],
          },
          {
            role: "user",
            content: [
              { type: "tool_result", toolUseId: "call_1", content: "missing", isError: true },
              { type: "text", text: "Go on." },
            ],
          },
        ],
      }),
    );
    expect(auth).toBe("Bearer local-key");
    expect(sent).toEqual({
      model: "qwen3-coder",
      max_tokens: 512,
      messages: [
        { role: "system", content: "You edit code." },
        { role: "user", content: "Fix it." },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: EDITOR_TOOL_NAME, arguments: '{"command":"view","path":"."}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "Error: missing" },
        { role: "user", content: "Go on." },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: EDITOR_TOOL_NAME,
            description: expect.stringContaining("str_replace"),
            parameters: EDITOR_FUNCTION_SCHEMA,
          },
        },
      ],
      tool_choice: { type: "function", function: { name: EDITOR_TOOL_NAME } },
    });
    expect(textOf(result)).toBe("Looking.");
    expect(toolCalls(result)).toEqual([
      {
        type: "tool_use",
        id: "call_2",
        name: EDITOR_TOOL_NAME,
        input: { command: "view", path: "src" },
      },
    ]);
    expect(result.stopReason).toBe("tool_use");
    expect(result.usage).toEqual({
      inputTokens: 20,
      outputTokens: 9,
      cacheReadTokens: 100,
      cacheWriteTokens: 0,
    });
    expect(result.costUsd).toBe(0);
  });

  it("retries a 429 and maps finish reasons", async () => {
    nock("http://llm.test")
      .post("/v1/chat/completions")
      .reply(429, "slow down", { "retry-after-ms": "1" })
      .post("/v1/chat/completions")
      .reply(200, completion({ content: "cut" }, "length"));
    const result = await model().generate(request());
    expect(result.stopReason).toBe("max_tokens");
    expect(textOf(result)).toBe("cut");
  });

  it("drops a call in flight when the job is cancelled, and does not retry it", async () => {
    nock("http://llm.test")
      .post("/v1/chat/completions")
      .delay(10_000)
      .reply(200, completion({ content: "too late" }, "stop"));
    const { error, ms } = await cancelAfter(50, (signal) => model().generate(request({ signal })));
    expect(error).toBeInstanceOf(CancelledError);
    expect(ms).toBeLessThan(2_000);
  });

  it("turns a 401 into a ModelError that is not retryable", async () => {
    nock("http://llm.test").post("/v1/chat/completions").reply(401, "bad key");
    const error = (await model()
      .generate(request())
      .catch((e: unknown) => e)) as ModelError;
    expect(error).toBeInstanceOf(ModelError);
    expect(error.isRetryable).toBe(false);
    expect(error.userMessage).toContain("API key");
  });

  it("hands broken tool arguments to the tool as they are, so its validation answers the model", async () => {
    nock("http://llm.test")
      .post("/v1/chat/completions")
      .reply(
        200,
        completion(
          {
            content: null,
            tool_calls: [
              { id: "c", type: "function", function: { name: "x", arguments: "{oops" } },
            ],
          },
          "tool_calls",
        ),
      );
    const result = await model().generate(request());
    expect(toolCalls(result)[0]!.input).toEqual({ invalid_json_arguments: "{oops" });
  });

  it("drives the implement stage's editor as a function tool", async () => {
    const checkout = await createTempCheckout({ "a.txt": "old\n" });
    try {
      nock("http://llm.test")
        .post("/v1/chat/completions")
        .reply(
          200,
          completion(
            {
              content: null,
              tool_calls: [
                {
                  id: "c1",
                  type: "function",
                  function: {
                    name: EDITOR_TOOL_NAME,
                    arguments: JSON.stringify({
                      command: "str_replace",
                      path: "a.txt",
                      old_str: "old",
                      new_str: "new",
                    }),
                  },
                },
              ],
            },
            "tool_calls",
          ),
        )
        .post(
          "/v1/chat/completions",
          (body: { messages: { role: string; tool_call_id?: string }[] }) =>
            body.messages.some((m) => m.role === "tool" && m.tool_call_id === "c1"),
        )
        .reply(200, completion({ content: "Replaced old with new." }, "stop"));
      const result = await runImplement({
        model: model(),
        checkout,
        issue: { number: 1, title: "t", body: "b", comments: [] },
        plan: { summary: "s", steps: ["x"], files: ["a.txt"], testStrategy: "none", risks: [] },
        context: { text: "" } as never,
        mode: "implement",
        maxTurns: 3,
      });
      expect(result).toMatchObject({ turns: 2, stopReason: "end_turn", filesTouched: ["a.txt"] });
      expect(await checkout.read("a.txt")).toBe("new\n");
    } finally {
      await checkout.dispose();
    }
  });
});
