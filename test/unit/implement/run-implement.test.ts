import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  EDITOR_TOOL_NAME,
  type ContentBlock,
  type ContextPack,
  type Issue,
  type ModelRequest,
  type Plan,
} from "../../../src/core/index.js";
import { runImplement } from "../../../src/implement/index.js";
import { createTempCheckout, type TempCheckout } from "../../fakes/temp-checkout.js";
import {
  editorCall,
  response,
  ScriptedModel,
  text,
  toolUseBlock,
} from "../../fakes/scripted-model.js";

const issue: Issue = {
  number: 12,
  title: "sum() should ignore null",
  body: "sum([1, null, 2]) returns NaN.",
  comments: [],
};
const plan: Plan = {
  summary: "Skip null values in sum().",
  steps: ["Filter out null in src/sum.js", "Add a test"],
  files: ["src/sum.js", "test/sum.test.js"],
  testStrategy: "Add test/sum.test.js; run npm test.",
  risks: ["Callers may rely on NaN"],
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
  ranked: [],
  repoMap: "",
  instructions: [],
  files: [],
  text: '<file path="src/sum.js">\nexport const sum = (xs) => xs.reduce((a, b) => a + b, 0);\n</file>',
  tokens: 30,
};
const sumJs = "export const sum = (xs) => xs.reduce((a, b) => a + b, 0);\n";

function textOfMessage(request: ModelRequest, index: number): string {
  return request.messages[index]!.content.map((b) => (b.type === "text" ? b.text : "")).join("\n");
}

function results(request: ModelRequest): Extract<ContentBlock, { type: "tool_result" }>[] {
  const last = request.messages.at(-1)!;
  expect(last.role).toBe("user");
  return last.content.filter(
    (b): b is Extract<ContentBlock, { type: "tool_result" }> => b.type === "tool_result",
  );
}

describe("runImplement", () => {
  let checkout: TempCheckout;
  beforeEach(async () => {
    checkout = await createTempCheckout({ "src/sum.js": sumJs });
  });
  afterEach(() => checkout.dispose());

  const base = {
    checkout: undefined as unknown as TempCheckout,
    issue,
    plan,
    context,
    mode: "implement" as const,
    maxTurns: 10,
  };

  it("starts no further turn once the run is cancelled", async () => {
    const controller = new AbortController();
    const model = new ScriptedModel([
      () => {
        controller.abort();
        return editorCall({ command: "view", path: "src/sum.js" });
      },
      text("never asked"),
    ]);
    await expect(
      runImplement({ ...base, checkout, model, signal: controller.signal }),
    ).rejects.toMatchObject({ name: "CancelledError" });
    expect(model.calls).toHaveLength(1);
    // The model call itself gets the job's signal: a cancel drops it in flight.
    expect(model.calls[0]!.signal).toBe(controller.signal);
  });

  it("edits the checkout through view, create, str_replace and insert, and ends with the model's summary", async () => {
    const model = new ScriptedModel([
      editorCall({ command: "view", path: "src/sum.js" }),
      editorCall(
        {
          command: "str_replace",
          path: "src/sum.js",
          old_str: "xs.reduce(",
          new_str: "xs.filter((x) => x != null).reduce(",
        },
        {
          command: "create",
          path: "test/sum.test.js",
          file_text: "import { sum } from '../src/sum.js';\n",
        },
      ),
      editorCall({
        command: "insert",
        path: "src/sum.js",
        insert_line: 0,
        insert_text: "// Sums numbers, skipping null.",
      }),
      text("Skipped null values in sum() and added a test."),
    ]);
    const result = await runImplement({ ...base, checkout, model, instructions: "keep it short" });
    model.assertDone();
    expect(result).toEqual({
      turns: 4,
      summary: "Skipped null values in sum() and added a test.",
      filesTouched: ["src/sum.js", "test/sum.test.js"],
      stopReason: "end_turn",
    });
    expect(await checkout.read("src/sum.js")).toBe(
      "// Sums numbers, skipping null.\nexport const sum = (xs) => xs.filter((x) => x != null).reduce((a, b) => a + b, 0);\n",
    );
    expect(await checkout.read("test/sum.test.js")).toContain("import { sum }");
    expect((await checkout.changedFiles()).sort()).toEqual(["src/sum.js", "test/sum.test.js"]);

    // The view result went back as a tool_result for the right call, in a user message.
    const viewCall = model.calls[0]!;
    const viewId = (model.calls[1]!.messages[1]!.content[0] as { id: string }).id;
    expect(results(model.calls[1]!)).toEqual([
      { type: "tool_result", toolUseId: viewId, content: `     1\t${sumJs.trimEnd()}` },
    ]);
    expect(results(model.calls[2]!)).toHaveLength(2);
    expect(viewCall.messages).toHaveLength(1);
  });

  it("sends the issue, the plan and the context in the first request, with the editor tool", async () => {
    const model = new ScriptedModel([text("Nothing to do.")]);
    await runImplement({ ...base, checkout, model, instructions: "keep it short" });
    const first = model.calls[0]!;
    expect(first.stage).toBe("implement");
    expect(first.tools).toEqual([{ kind: "text-editor" }]);
    expect(first.system).toContain("at most 10 turns");
    expect(first.system).toContain("smallest correct change");
    const sent = textOfMessage(first, 0);
    expect(sent).toContain("sum() should ignore null");
    expect(sent).toContain("Summary: Skip null values in sum().");
    expect(sent).toContain("- Filter out null in src/sum.js");
    expect(sent).toContain("`test/sum.test.js`");
    expect(sent).toContain("- Callers may rely on NaN");
    expect(sent).toContain('<file path="src/sum.js">');
    expect(sent).toContain("keep it short");
    expect(sent).not.toContain("another round");
  });

  it("refuses a path escape with an error result and goes on", async () => {
    const model = new ScriptedModel([
      editorCall({ command: "create", path: "../../escaped.txt", file_text: "x" }),
      editorCall({ command: "view", path: "/etc/passwd" }),
      editorCall({
        command: "str_replace",
        path: "src/sum.js",
        old_str: "0);",
        new_str: "0) || 0;",
      }),
      text("Done."),
    ]);
    const result = await runImplement({ ...base, checkout, model });
    expect(results(model.calls[1]!)[0]).toMatchObject({
      isError: true,
      content: expect.stringContaining("outside the repository"),
    });
    expect(results(model.calls[2]!)[0]).toMatchObject({ isError: true });
    expect(result.stopReason).toBe("end_turn");
    expect(result.filesTouched).toEqual(["src/sum.js"]);
  });

  it("returns str_replace mismatches to the model as errors", async () => {
    await checkout.writeFile("src/two.js", "a();\na();\n");
    const model = new ScriptedModel([
      editorCall({ command: "str_replace", path: "src/two.js", old_str: "a();", new_str: "b();" }),
      editorCall({ command: "str_replace", path: "src/two.js", old_str: "c();", new_str: "b();" }),
      text("Gave up."),
    ]);
    const result = await runImplement({ ...base, checkout, model });
    expect(results(model.calls[1]!)[0]).toMatchObject({
      isError: true,
      content: expect.stringContaining("occurs 2 times"),
    });
    expect(results(model.calls[2]!)[0]).toMatchObject({
      isError: true,
      content: expect.stringContaining("not found"),
    });
    expect(result.filesTouched).toEqual([]);
  });

  it("stops at the turn cap and says so, warning the model before its last turn", async () => {
    const view = () => editorCall({ command: "view", path: "src/sum.js" });
    const model = new ScriptedModel([view(), view(), view()]);
    const result = await runImplement({ ...base, checkout, model, maxTurns: 3 });
    expect(result.stopReason).toBe("max_turns");
    expect(result.turns).toBe(3);
    expect(result.summary).toMatch(/^Stopped after 3 turns/);
    expect(model.calls).toHaveLength(3);
    expect(textOfMessage(model.calls[2]!, 4)).toContain("This is your last turn");
    expect(textOfMessage(model.calls[1]!, 2)).not.toContain("last turn");
  });

  it("puts the feedback, the changed files and the diff in a repair round", async () => {
    await checkout.writeFile("src/sum.js", sumJs.replace("0)", "1)"));
    const model = new ScriptedModel([text("Fixed the lint error.")]);
    await runImplement({
      ...base,
      checkout,
      model,
      feedback: "eslint: src/sum.js:1 'x' is never used",
    });
    const sent = textOfMessage(model.calls[0]!, 0);
    expect(sent).toContain("another round on the same change");
    expect(sent).toContain("eslint: src/sum.js:1 'x' is never used");
    expect(sent).toContain("- `src/sum.js`");
    expect(sent).toContain("+export const sum = (xs) => xs.reduce((a, b) => a + b, 1);");
  });

  it("does not run a tool call cut off by the output limit, nor unknown tools", async () => {
    const model = new ScriptedModel([
      response(
        [
          toolUseBlock("bash", { command: "rm -rf /" }),
          toolUseBlock(EDITOR_TOOL_NAME, {
            command: "create",
            path: "half.js",
            file_text: "export const",
          }),
        ],
        {
          stopReason: "max_tokens",
        },
      ),
      text("Stopping."),
    ]);
    await runImplement({ ...base, checkout, model });
    const [bash, cut] = results(model.calls[1]!);
    expect(bash).toMatchObject({
      isError: true,
      content: expect.stringContaining("no tool named bash"),
    });
    expect(cut).toMatchObject({ isError: true, content: expect.stringContaining("cut off") });
    expect(await checkout.exists("half.js")).toBe(false);
  });

  it("refuses changes to protected paths and lets the loop continue", async () => {
    const model = new ScriptedModel([
      editorCall({
        command: "create",
        path: ".github/workflows/release.yml",
        file_text: "on: push\n",
      }),
      text("ok"),
    ]);
    const result = await runImplement({
      ...base,
      checkout,
      model,
      protectedPaths: [".github/workflows/**"],
    });
    expect(results(model.calls[1]!)[0]).toMatchObject({
      isError: true,
      content: expect.stringContaining("protected"),
    });
    expect(result.filesTouched).toEqual([]);
  });
});
