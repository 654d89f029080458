/**
 * The plan and implement stages over the real Anthropic adapter, with the Messages API scripted
 * at the HTTP layer: the same setup the end-to-end tests use.
 */
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ContextPack, Issue } from "../../../src/core/index.js";
import { runImplement } from "../../../src/implement/index.js";
import { createAnthropicModel, createMeteredModel } from "../../../src/llm/index.js";
import { createPlan } from "../../../src/plan/index.js";
import { anthropicReply } from "../../fakes/anthropic-nock.js";
import { createTempCheckout, type TempCheckout } from "../../fakes/temp-checkout.js";
import { editorCall, text, toolUse } from "../../fakes/scripted-model.js";

const BASE = "https://api.anthropic.com";
const issue: Issue = {
  number: 3,
  title: "Greet by name",
  body: "hello() should take a name.",
  comments: [],
};
const context = {
  text: '<file path="src/hello.js">\nexport const hello = () => "hello";\n</file>',
} as ContextPack;
const plan = {
  summary: "Take a name.",
  steps: ["Add a name parameter"],
  files: ["src/hello.js"],
  testStrategy: "npm test",
  risks: [],
};

describe("a scripted conversation over HTTP", () => {
  let checkout: TempCheckout;
  beforeEach(async () => {
    nock.disableNetConnect();
    checkout = await createTempCheckout({
      "src/hello.js": 'export const hello = () => "hello";\n',
    });
  });
  afterEach(async () => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    await checkout.dispose();
    expect(pending).toEqual([]);
  });

  it("plans, edits the file and ends, with every request well formed", async () => {
    const llm = anthropicReply(BASE, [
      toolUse("submit_plan", plan),
      editorCall({ command: "view", path: "src/hello.js" }),
      editorCall({
        command: "str_replace",
        path: "src/hello.js",
        old_str: '() => "hello"',
        new_str: "(name) => `hello ${name}`",
      }),
      text("hello() now takes a name."),
    ]);
    const metered = createMeteredModel(
      createAnthropicModel({
        apiKey: "test-key",
        baseURL: BASE,
        model: "claude-sonnet-4-5",
        maxRetries: 0,
      }),
    );
    const thePlan = await createPlan({ model: metered.model, issue, context, mode: "implement" });
    expect(thePlan).toEqual(plan);
    const result = await runImplement({
      model: metered.model,
      checkout,
      issue,
      plan: thePlan,
      context,
      mode: "implement",
      maxTurns: 5,
    });
    expect(result).toMatchObject({
      turns: 3,
      stopReason: "end_turn",
      filesTouched: ["src/hello.js"],
      summary: "hello() now takes a name.",
    });
    expect(await checkout.read("src/hello.js")).toBe(
      "export const hello = (name) => `hello ${name}`;\n",
    );
    expect(llm.scope.isDone()).toBe(true);

    const [planCall, , , last] = llm.requests.map((r) => r.body);
    expect(planCall.tool_choice).toEqual({ type: "tool", name: "submit_plan" });
    expect(planCall.tools[0].name).toBe("submit_plan");
    expect(planCall.tools[0].input_schema.required).toContain("summary");
    expect(last.tools).toEqual([
      {
        type: "text_editor_20250728",
        name: "str_replace_based_edit_tool",
        cache_control: { type: "ephemeral" },
      },
    ]);
    // Assistant tool calls and user tool results alternate, and each result answers the call before it.
    const roles = last.messages.map((m: { role: string }) => m.role);
    expect(roles).toEqual(["user", "assistant", "user", "assistant", "user"]);
    expect(last.messages[2].content[0].tool_use_id).toBe(last.messages[1].content[0].id);
    expect(last.messages[4].content[0]).toMatchObject({
      type: "tool_result",
      cache_control: { type: "ephemeral" },
    });
    expect(last.messages[4].content[0].content).toContain("hello ${name}");

    const totals = metered.totals();
    expect(totals.calls).toBe(4);
    expect(totals.byStage.plan!.calls).toBe(1);
    expect(totals.byStage.implement!.calls).toBe(3);
    // The helpers script 100 input and 20 output tokens a call; Sonnet prices.
    expect(totals.costUsd).toBeCloseTo((4 * (100 * 3 + 20 * 15)) / 1_000_000, 10);
  });
});
