import { describe, expect, it } from "vitest";
import {
  ModelError,
  textOf,
  type ContextPack,
  type Issue,
  type ModelRequest,
} from "../../../src/core/index.js";
import { createPlan, planTool } from "../../../src/plan/index.js";
import {
  response,
  ScriptedModel,
  text,
  toolUse,
  toolUseBlock,
} from "../../fakes/scripted-model.js";

const issue: Issue = {
  number: 7,
  title: "Add a --verbose flag",
  body: "The CLI should print each step when --verbose is given.",
  comments: [
    {
      id: 1,
      author: "alice",
      body: "Please keep the default output unchanged.",
      createdAt: "2026-01-01T00:00:00Z",
    },
    {
      id: 2,
      author: "patchsmith[bot]",
      body: "Status: planning",
      createdAt: "2026-01-01T00:01:00Z",
      isBot: true,
    },
  ],
};

const context: ContextPack = {
  profile: {
    languages: [],
    packageManagers: ["npm"],
    manifests: ["package.json"],
    commands: {},
    configFiles: [],
    instructionFiles: [],
  },
  ranked: [{ path: "src/cli.js", score: 1 }],
  repoMap: "src/cli.js",
  instructions: [],
  files: [{ path: "src/cli.js", content: "export function main() {}", partial: false }],
  text: '<file path="src/cli.js">\nexport function main() {}\n</file>',
  tokens: 20,
};

const goodPlan = {
  summary: "Add a --verbose flag that prints each step.",
  steps: ["Parse --verbose in src/cli.js", "Print each step when it is set"],
  files: ["./src/cli.js", "src/cli.js", "test/cli.test.js"],
  testStrategy: "Add a test in test/cli.test.js; run npm test.",
  risks: [],
};

const userText = (request: ModelRequest, index = 0): string =>
  textOf({ content: request.messages[index]!.content } as never);

describe("createPlan", () => {
  it("forces submit_plan, sends issue, comments and context, and returns the validated plan", async () => {
    const model = new ScriptedModel([toolUse("submit_plan", goodPlan)]);
    const plan = await createPlan({
      model,
      issue,
      context,
      mode: "implement",
      instructions: "use yargs",
    });
    expect(plan).toEqual({ ...goodPlan, files: ["src/cli.js", "test/cli.test.js"] });
    model.assertDone();
    const request = model.calls[0]!;
    expect(request.stage).toBe("plan");
    expect(request.toolChoice).toEqual({ type: "tool", name: "submit_plan" });
    expect(request.tools).toEqual([planTool]);
    const sent = userText(request);
    expect(sent).toContain("Add a --verbose flag");
    expect(sent).toContain("print each step when --verbose");
    expect(sent).toContain("Please keep the default output unchanged.");
    expect(sent).not.toContain("Status: planning");
    expect(sent).toContain("use yargs");
    expect(sent).toContain('<file path="src/cli.js">');
    expect(request.system).toContain("smallest correct change");
  });

  it("gives the model call the job's cancel signal", async () => {
    const model = new ScriptedModel([toolUse("submit_plan", goodPlan)]);
    const cancel = new AbortController();
    await createPlan({ model, issue, context, mode: "implement", signal: cancel.signal });
    expect(model.calls[0]!.signal).toBe(cancel.signal);
  });

  it("offers the plan schema as JSON Schema with the required fields", () => {
    expect(planTool.kind).toBe("function");
    const schema = (planTool as { inputSchema: Record<string, unknown> }).inputSchema;
    expect(schema.$schema).toBeUndefined();
    expect(schema.type).toBe("object");
    expect(schema.required).toEqual(
      expect.arrayContaining(["summary", "steps", "files", "testStrategy"]),
    );
    expect(schema.required).not.toContain("risks");
  });

  it.each([
    ["tests", "add or improve tests only"],
    ["refactor", "without changing behaviour"],
    ["docs", "change documentation only"],
  ] as const)("asks for mode %s", async (mode, phrase) => {
    const model = new ScriptedModel([toolUse("submit_plan", goodPlan)]);
    await createPlan({ model, issue, context, mode });
    expect(model.calls[0]!.system).toContain(phrase);
    expect(model.calls[0]!.system).not.toContain("smallest correct change");
  });

  it("retries once with the validation errors as an error tool result", async () => {
    const bad = toolUse(
      "submit_plan",
      { summary: "", steps: [], files: "src/cli.js" },
      { id: "toolu_bad" },
    );
    const model = new ScriptedModel([bad, toolUse("submit_plan", goodPlan)]);
    const plan = await createPlan({ model, issue, context, mode: "implement" });
    expect(plan.summary).toBe(goodPlan.summary);
    const retry = model.calls[1]!;
    expect(retry.messages).toHaveLength(3);
    expect(retry.messages[1]).toEqual({ role: "assistant", content: bad.content });
    const result = retry.messages[2]!.content[0]!;
    expect(result).toMatchObject({ type: "tool_result", toolUseId: "toolu_bad", isError: true });
    const correction = (result as { content: string }).content;
    expect(correction).toContain("summary");
    expect(correction).toContain("steps");
    expect(correction).toContain("files");
    expect(correction).toContain("testStrategy");
  });

  it("asks again in text when the model answered without calling the tool", async () => {
    const model = new ScriptedModel([
      text("Here is my plan: do it."),
      toolUse("submit_plan", goodPlan),
    ]);
    await createPlan({ model, issue, context, mode: "implement" });
    expect(userText(model.calls[1]!, 2)).toContain("submit_plan was not called");
  });

  it("answers every stray tool call so the conversation stays valid", async () => {
    const model = new ScriptedModel([
      response([
        toolUseBlock("other_tool", {}, "toolu_other"),
        toolUseBlock("submit_plan", { summary: "x" }, "toolu_plan"),
      ]),
      toolUse("submit_plan", goodPlan),
    ]);
    await createPlan({ model, issue, context, mode: "implement" });
    const ids = model.calls[1]!.messages[2]!.content.map(
      (b) => (b as { toolUseId: string }).toolUseId,
    );
    expect(ids.sort()).toEqual(["toolu_other", "toolu_plan"]);
  });

  it("gives up after a second invalid answer with a ModelError that says what to do", async () => {
    const model = new ScriptedModel([
      toolUse("submit_plan", { summary: 1 }),
      toolUse("submit_plan", { steps: "no" }),
    ]);
    const error = await createPlan({ model, issue, context, mode: "implement" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).phase).toBe("plan");
    expect((error as ModelError).userMessage).toContain("/generate");
    model.assertDone();
  });

  it("passes model failures through", async () => {
    const failure = new ModelError("boom", { isRetryable: true });
    const model = new ScriptedModel([failure]);
    await expect(createPlan({ model, issue, context, mode: "implement" })).rejects.toBe(failure);
  });

  it("says so when the issue has no body", async () => {
    const model = new ScriptedModel([toolUse("submit_plan", goodPlan)]);
    await createPlan({
      model,
      issue: { ...issue, body: "", comments: [] },
      context,
      mode: "implement",
    });
    expect(userText(model.calls[0]!)).toContain("work from the title");
  });
});
