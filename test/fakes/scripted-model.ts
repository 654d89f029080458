/**
 * A LanguageModel that answers from a script and records what it was asked.
 *
 *   const model = new ScriptedModel([toolUse("submit_plan", plan), editorCall({ command: "view", path: "." }), text("done")]);
 *   ...run the stage...
 *   expect(model.calls[0]!.messages[0]).toMatchObject(...);
 *   model.assertDone();
 *
 * A step is a response, a function of the request (to answer from what was asked), or an Error
 * to throw. Calling past the script throws, naming the stage, so a test that loops too long fails
 * loudly instead of hanging.
 */
import {
  EDITOR_TOOL_NAME,
  emptyUsage,
  type ContentBlock,
  type LanguageModel,
  type ModelRequest,
  type ModelResponse,
  type StopReason,
  type Usage,
} from "../../src/core/index.js";

export type ScriptStep =
  | ModelResponse
  | Error
  | ((request: ModelRequest, index: number) => ModelResponse | Promise<ModelResponse>);

export class ScriptedModel implements LanguageModel {
  readonly name: string;
  /** Every request, deep-copied at call time (callers keep appending to their message arrays). */
  readonly calls: ModelRequest[] = [];
  private readonly steps: ScriptStep[];

  constructor(steps: ScriptStep[], options: { name?: string } = {}) {
    this.steps = [...steps];
    this.name = options.name ?? "scripted";
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const index = this.calls.length;
    // The signal as it is (it cannot be copied): a test can check it is the job's.
    const { signal, ...rest } = request;
    this.calls.push({ ...structuredClone(rest), ...(signal ? { signal } : {}) });
    const step = this.steps[index];
    if (step === undefined) {
      throw new Error(
        `ScriptedModel: call ${index + 1} (stage "${request.stage}") is past the end of the script (${this.steps.length} responses)`,
      );
    }
    if (step instanceof Error) throw step;
    return typeof step === "function" ? step(request, index) : structuredClone(step);
  }

  /** Fails when some scripted responses were never asked for. */
  assertDone(): void {
    if (this.calls.length < this.steps.length) {
      throw new Error(
        `ScriptedModel: only ${this.calls.length} of ${this.steps.length} scripted responses were used`,
      );
    }
  }

  /** The last request made, for assertions. */
  get lastCall(): ModelRequest {
    const last = this.calls.at(-1);
    if (!last) throw new Error("ScriptedModel: no call was made");
    return last;
  }
}

/** The model id of responses built here. */
export const SCRIPTED_MODEL = "scripted";

let nextId = 1;

export function textBlock(text: string): ContentBlock {
  return { type: "text", text };
}

export function toolUseBlock(
  name: string,
  input: unknown,
  id = `toolu_scripted_${nextId++}`,
): ContentBlock {
  return { type: "tool_use", id, name, input };
}

export function response(
  content: ContentBlock[],
  options: {
    stopReason?: StopReason;
    usage?: Partial<Usage>;
    costUsd?: number;
    model?: string;
  } = {},
): ModelResponse {
  const hasToolUse = content.some((b) => b.type === "tool_use");
  return {
    content,
    stopReason: options.stopReason ?? (hasToolUse ? "tool_use" : "end_turn"),
    usage: { ...emptyUsage(), inputTokens: 100, outputTokens: 20, ...options.usage },
    model: options.model ?? SCRIPTED_MODEL,
    costUsd: options.costUsd ?? 0,
  };
}

/** A final answer: text only, stop reason end_turn. */
export function text(...parts: string[]): ModelResponse {
  return response(parts.map(textBlock));
}

/** One tool call (optionally after some text), stop reason tool_use. */
export function toolUse(
  name: string,
  input: unknown,
  options: { text?: string; id?: string } = {},
): ModelResponse {
  const blocks = options.text ? [textBlock(options.text)] : [];
  return response([...blocks, toolUseBlock(name, input, options.id)]);
}

/** One or more text-editor calls in one turn. */
export function editorCall(...inputs: Record<string, unknown>[]): ModelResponse {
  return response(inputs.map((input) => toolUseBlock(EDITOR_TOOL_NAME, input)));
}
