import { describe, expect, it } from "vitest";
import { renderTemplate } from "../../../src/core/index.js";

describe("renderTemplate", () => {
  it("fills values, nested paths, sections, inverted sections and lists", () => {
    const out = renderTemplate(
      "{{a}} {{b.c}}{{#list}}[{{.}}]{{/list}}{{#obj}}<{{x}}>{{/obj}}{{^none}}empty{{/none}}{{#no}}hidden{{/no}}",
      {
        a: "A",
        b: { c: "C" },
        list: [1, 2],
        obj: { x: "X" },
        none: [],
        no: false,
      },
    );
    expect(out).toBe("A C[1][2]<X>empty");
  });

  it("handles nested sections of the same name and outer scope lookups", () => {
    const out = renderTemplate("{{#items}}{{name}}:{{#items}}{{.}}{{/items}};{{/items}}{{top}}", {
      items: [{ name: "n", items: ["i"] }],
      top: "T",
    });
    expect(out).toBe("n:i;T");
  });

  it("reports an unclosed section", () => {
    expect(() => renderTemplate("{{#a}}x", { a: true })).toThrow(/never closed/);
  });
});
