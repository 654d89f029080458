import { describe, expect, it } from "vitest";
import { costOf, priceFor } from "../../../src/llm/index.js";

const million = {
  inputTokens: 1_000_000,
  outputTokens: 1_000_000,
  cacheReadTokens: 1_000_000,
  cacheWriteTokens: 1_000_000,
};

describe("prices", () => {
  it("prices Sonnet 4.x at $3/$15 with 1.25x cache writes and 0.1x cache reads, dated or not", () => {
    for (const id of [
      "claude-sonnet-4-5",
      "claude-sonnet-4-5-20250929",
      "claude-sonnet-4-20250514",
      "claude-sonnet-4-6",
    ]) {
      expect(priceFor(id)).toEqual({ input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 });
    }
    expect(costOf("claude-sonnet-4-5", million)).toBeCloseTo(3 + 15 + 3.75 + 0.3, 10);
  });

  it("tells the old Opus tier from the new one, and prices Haiku 4.5", () => {
    expect(priceFor("claude-opus-4-1-20250805")!.input).toBe(15);
    expect(priceFor("claude-opus-4-20250514")!.input).toBe(15);
    expect(priceFor("claude-opus-4-5-20251101")!.input).toBe(5);
    expect(priceFor("claude-opus-4-7")!.output).toBe(25);
    expect(priceFor("claude-haiku-4-5-20251001")).toEqual({
      input: 1,
      output: 5,
      cacheWrite: 1.25,
      cacheRead: 0.1,
    });
  });

  it("counts an unknown model as free rather than failing", () => {
    expect(priceFor("gpt-oss-20b")).toBeUndefined();
    expect(costOf("gpt-oss-20b", million)).toBe(0);
  });
});
