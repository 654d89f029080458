import { describe, expect, it } from "vitest";
import { MAX_BODY_CHARS, fitBody } from "../../../src/github/index.js";

describe("fitBody", () => {
  it("leaves text within the limit alone", () => {
    const text = "x".repeat(MAX_BODY_CHARS);
    expect(fitBody(text)).toBe(text);
  });

  it("cuts the middle of longer text, keeping both ends and saying so", () => {
    const text = `<!-- patchsmith:status {} -->\n${"a".repeat(100_000)}\n<!-- patchsmith:pr {} -->`;
    const fitted = fitBody(text);
    expect(fitted.length).toBe(MAX_BODY_CHARS);
    expect(fitted.startsWith("<!-- patchsmith:status {} -->")).toBe(true);
    expect(fitted.endsWith("<!-- patchsmith:pr {} -->")).toBe(true);
    expect(fitted).toContain("cut by patchsmith");
  });
});
