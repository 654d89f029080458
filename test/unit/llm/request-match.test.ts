import { describe, expect, it } from "vitest";
import type { ModelRequest } from "../../../src/core/index.js";
import { comparableRequest, firstDifference, stableText } from "../../../src/llm/index.js";

const request = (over: Partial<ModelRequest> = {}): ModelRequest => ({
  stage: "implement",
  system: "You edit code.",
  messages: [{ role: "user", content: [{ type: "text", text: "Fix the bug." }] }],
  tools: [{ kind: "text-editor" }],
  toolChoice: { type: "auto" },
  maxTokens: 1024,
  ...over,
});

const differs = (a: ModelRequest, b: ModelRequest) =>
  firstDifference(comparableRequest(a), comparableRequest(b));

describe("stableText", () => {
  it("keeps the path inside a checkout and drops where the checkout lives", () => {
    expect(
      stableText("at file:///var/lib/ps/jobs/local-calc-Ab12Cd/repo/test/a.test.js:5:10 (x)"),
    ).toBe("at <checkout>/test/a.test.js:5:10 (x)");
    expect(stableText("see /tmp/patchsmith-test-Ab12Cd/jobs/o-n-XyZ123/repo/src/a.js")).toBe(
      "see <checkout>/src/a.js",
    );
  });

  it("reduces other temp paths to their file name, and leaves other absolute paths alone", () => {
    expect(stableText("wrote /tmp/patchsmith-Ab12Cd/out/report.txt.")).toBe(
      "wrote <tmp>/report.txt.",
    );
    expect(stableText("read /home/me/tmp/notes.md")).toBe("read /home/me/tmp/notes.md");
  });

  it("replaces timestamps, durations and commit ids", () => {
    expect(
      stableText(
        "at 2026-12-01T23:54:30.123Z took 12.5 s (3ms); duration_ms 45.21 commit 0123456789abcdef0123456789abcdef01234567",
      ),
    ).toBe("at <time> took <duration> (<duration>); duration_ms <n> commit <sha>");
    // Whole numbers of seconds and plain numbers are content, not timing.
    expect(stableText("sum(1, 2) is 3 s")).toBe("sum(1, 2) is 3 s");
  });
});

describe("firstDifference of comparable requests", () => {
  it("finds none between requests that differ only in volatile parts", () => {
    const a = request({
      messages: [
        { role: "user", content: [{ type: "text", text: "Gate output at 2026-01-01T00:00:00Z" }] },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "toolu_01AAA", name: "x", input: { p: 1 } }],
        },
        {
          role: "user",
          content: [{ type: "tool_result", toolUseId: "toolu_01AAA", content: "ok" }],
        },
      ],
    });
    const b = request({
      messages: [
        { role: "user", content: [{ type: "text", text: "Gate output at 2027-05-05T10:11:12Z" }] },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "call_zzz", name: "x", input: { p: 1 } }],
        },
        { role: "user", content: [{ type: "tool_result", toolUseId: "call_zzz", content: "ok" }] },
      ],
    });
    expect(differs(a, b)).toBeUndefined();
  });

  it("catches a tool_result that answers another call than the recorded one", () => {
    const calls = (resultFor: string): ModelRequest =>
      request({
        messages: [
          {
            role: "assistant",
            content: [
              { type: "tool_use", id: "a", name: "x", input: {} },
              { type: "tool_use", id: "b", name: "x", input: {} },
            ],
          },
          { role: "user", content: [{ type: "tool_result", toolUseId: resultFor, content: "" }] },
        ],
      });
    expect(differs(calls("a"), calls("b"))).toEqual({
      path: "messages[1].content[0].toolUseId",
      expected: '"tool_use#1"',
      actual: '"tool_use#2"',
    });
  });

  it("names the stage, the tools, the structure and the text that differ", () => {
    expect(differs(request(), request({ stage: "repair" }))?.path).toBe("stage");
    expect(differs(request(), request({ tools: [] }))).toMatchObject({
      path: "tools",
      expected: '1 entries, then {"kind":"text-editor"}',
      actual: "0 entries",
    });
    expect(differs(request(), request({ toolChoice: { type: "any" } }))?.path).toBe(
      "toolChoice.type",
    );
    const longer = request({
      messages: [
        ...request().messages,
        { role: "assistant", content: [{ type: "text", text: "More." }] },
      ],
    });
    expect(differs(request(), longer)?.path).toBe("messages");
    const role = request({
      messages: [{ role: "assistant", content: [{ type: "text", text: "Fix the bug." }] }],
    });
    expect(differs(request(), role)?.path).toBe("messages[0].role");
  });

  it("shows a short excerpt of both sides around the first changed character", () => {
    const body = (word: string) => `${"a".repeat(200)} the ${word} ${"z".repeat(200)}`;
    const found = differs(
      request({ messages: [{ role: "user", content: [{ type: "text", text: body("plan") }] }] }),
      request({ messages: [{ role: "user", content: [{ type: "text", text: body("plot") }] }] }),
    );
    expect(found?.path).toBe("messages[0].content[0].text");
    expect(found?.expected).toMatch(/^….*the plan z.*…$/);
    expect(found?.actual).toMatch(/^….*the plot z.*…$/);
    expect(found!.expected.length).toBeLessThan(80);
  });
});
