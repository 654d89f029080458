import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  BudgetExceededError,
  ModelError,
  textOf,
  type ModelRequest,
} from "../../../src/core/index.js";
import {
  CircuitBreaker,
  createAnthropicModel,
  createFallbackModel,
  createMeteredModel,
  createOpenAICompatibleModel,
  createStageModels,
  toAnthropicParams,
} from "../../../src/llm/index.js";
import { anthropicReply, sseBody } from "../../fakes/anthropic-nock.js";
import { ScriptedModel, text } from "../../fakes/scripted-model.js";

const BASE = "https://api.anthropic.com";
const OPENAI = "https://llm.example.test/v1";
const KEY = "sk-ant-test-secret-key-0123456789";

const request = (over: Partial<ModelRequest> = {}): ModelRequest => ({
  stage: "implement",
  system: "You edit code.",
  messages: [{ role: "user", content: [{ type: "text", text: "Fix the bug." }] }],
  maxTokens: 1024,
  ...over,
});

const anthropic = (over: Partial<Parameters<typeof createAnthropicModel>[0]> = {}) =>
  createAnthropicModel({
    apiKey: KEY,
    baseURL: BASE,
    model: "claude-sonnet-4-5",
    maxRetries: 3,
    retryBaseDelayMs: 1,
    ...over,
  });

const overloaded = { status: 529, error: { type: "overloaded_error", message: "Overloaded" } };

function chatCompletion(content: string) {
  return {
    model: "gpt-4o",
    choices: [{ message: { content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 50, completion_tokens: 5 },
  };
}

describe("adapter resilience", () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    expect(pending).toEqual([]);
  });

  it("succeeds after two overloaded 529 answers", async () => {
    const llm = anthropicReply(BASE, [overloaded, overloaded, text("ok")]);
    expect(textOf(await anthropic().generate(request()))).toBe("ok");
    expect(llm.requests).toHaveLength(3);
  });

  it("waits as long as retry-after says", async () => {
    anthropicReply(BASE, [{ ...overloaded, headers: { "retry-after-ms": "300" } }, text("ok")]);
    const started = Date.now();
    await anthropic().generate(request());
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("does not sleep through a retry-after past the cap: the call fails over at once", async () => {
    anthropicReply(BASE, [
      { ...overloaded, headers: { "retry-after-ms": "", "retry-after": "120" } },
    ]);
    const started = Date.now();
    const error = (await anthropic({ maxRetryDelayMs: 1000 })
      .generate(request())
      .catch((e: unknown) => e)) as ModelError;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.isRetryable).toBe(true);
  });

  it("fails a 401 at once, without retrying, naming the key to fix", async () => {
    const llm = anthropicReply(BASE, [
      { status: 401, error: { type: "authentication_error", message: "invalid x-api-key" } },
    ]);
    const error = (await anthropic()
      .generate(request())
      .catch((e: unknown) => e)) as ModelError;
    expect(llm.requests).toHaveLength(1);
    expect(error.isRetryable).toBe(false);
    expect(error.userMessage).toMatch(/ANTHROPIC_API_KEY/);
  });

  it("retries a stream whose connection drops midway", async () => {
    const full = sseBody(text("the whole answer"));
    const cut = full.slice(0, full.indexOf("content_block_delta") + 40);
    nock(BASE)
      .post("/v1/messages")
      .reply(200, cut, { "content-type": "text/event-stream" })
      .post("/v1/messages")
      .reply(200, full, { "content-type": "text/event-stream" });
    expect(textOf(await anthropic().generate(request()))).toBe("the whole answer");
  });

  it("opens the breaker after repeated failures and the fallback provider serves the call", async () => {
    const breaker = new CircuitBreaker("anthropic", { threshold: 3, cooldownMs: 60_000 });
    const primary = anthropic({ maxRetries: 5, breaker });
    anthropicReply(BASE, [overloaded, overloaded, overloaded]);
    const openai = nock(OPENAI)
      .post("/chat/completions")
      .times(2)
      .reply(200, chatCompletion("served by the fallback"));
    const chain = createFallbackModel([
      primary,
      createOpenAICompatibleModel({ baseURL: OPENAI, model: "gpt-4o", maxRetries: 0 }),
    ]);
    // Three failed attempts open the breaker, which ends the retries before the fifth.
    expect(textOf(await chain.generate(request({ model: "claude-opus-4-5" })))).toBe(
      "served by the fallback",
    );
    expect(breaker.state).toBe("open");
    // While open, the primary is not even asked (no Anthropic mock is left: nock would refuse).
    expect(textOf(await chain.generate(request()))).toBe("served by the fallback");
    expect(openai.isDone()).toBe(true);
  });

  it("does not fail over on an error no provider can fix", async () => {
    anthropicReply(BASE, [
      { status: 401, error: { type: "authentication_error", message: "invalid x-api-key" } },
    ]);
    const chain = createFallbackModel([
      anthropic(),
      createOpenAICompatibleModel({ baseURL: OPENAI, model: "gpt-4o" }),
    ]);
    await expect(chain.generate(request())).rejects.toThrow(/401/);
  });

  it("fails an exhausted OpenAI quota at once although it comes as a 429", async () => {
    const scope = nock(OPENAI)
      .post("/chat/completions")
      .reply(429, {
        error: { code: "insufficient_quota", message: "You exceeded your current quota" },
      });
    const error = (await createOpenAICompatibleModel({ baseURL: OPENAI, model: "gpt-4o" })
      .generate(request())
      .catch((e: unknown) => e)) as ModelError;
    expect(scope.isDone()).toBe(true);
    expect(error.isRetryable).toBe(false);
    expect(error.userMessage).toMatch(/quota or credit/);
  });
});

describe("prompt caching", () => {
  it("marks the stable prefix (tools, system, the task) and the newest turn", () => {
    const params = toAnthropicParams(
      request({
        tools: [{ kind: "text-editor" }],
        messages: [
          { role: "user", content: [{ type: "text", text: "task: issue, plan, context pack" }] },
          { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "x", input: {} }] },
          { role: "user", content: [{ type: "tool_result", toolUseId: "t1", content: "done" }] },
        ],
      }),
      "claude-sonnet-4-5",
    );
    const ephemeral = { type: "ephemeral" };
    expect(params.tools?.at(-1)).toMatchObject({ cache_control: ephemeral });
    expect(params.system).toEqual([
      { type: "text", text: "You edit code.", cache_control: ephemeral },
    ]);
    const blocks = params.messages.map((m) => m.content as { cache_control?: unknown }[]);
    expect(blocks[0]![0]!.cache_control).toEqual(ephemeral);
    expect(blocks[1]![0]!.cache_control).toBeUndefined();
    expect(blocks[2]![0]!.cache_control).toEqual(ephemeral);
  });
});

describe("per-stage models and budgets", () => {
  it("sends the repository's model for a stage, and the implement model for repair", async () => {
    const inner = new ScriptedModel([text("a"), text("b"), text("c")]);
    const staged = createStageModels(inner);
    staged.setModels({ plan: "claude-opus-4-5", implement: "claude-sonnet-4-5" });
    await staged.model.generate(request({ stage: "plan" }));
    await staged.model.generate(request({ stage: "repair" }));
    await staged.model.generate(request({ stage: "feedback" }));
    expect(inner.calls.map((c) => c.model)).toEqual([
      "claude-opus-4-5",
      "claude-sonnet-4-5",
      undefined,
    ]);
  });

  it("stops between calls at the lower of the installation's and the repository's token cap", async () => {
    const inner = new ScriptedModel([text("one"), text("two")]);
    const metered = createMeteredModel(inner, { maxCostUsd: 5, maxTokens: 10_000 });
    metered.tighten({ maxTokens: 100, source: "`budget` in .github/patchsmith.yml" });
    metered.tighten({ maxTokens: 50_000, source: "ignored: higher" });
    await metered.model.generate(request());
    const error = await metered.model.generate(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).userMessage).toMatch(
      /120 of 100 tokens.*before the next model call \(implement\).*budget` in \.github\/patchsmith\.yml/,
    );
    expect(inner.calls).toHaveLength(1);
  });
});
