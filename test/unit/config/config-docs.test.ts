/** The committed schema and reference are what `npm run docs:config` would write now. */
import { readFile } from "node:fs/promises";
import { format, resolveConfig } from "prettier";
import { describe, expect, it } from "vitest";
import { configJsonSchema, configReferenceMarkdown } from "../../../src/config/index.js";

async function formatted(file: string, text: string): Promise<string> {
  const options = (await resolveConfig(file)) ?? {};
  return format(text, { ...options, filepath: file });
}

describe("generated configuration docs", () => {
  it("docs/config.schema.json is up to date (run `npm run docs:config`)", async () => {
    const file = "docs/config.schema.json";
    const expected = await formatted(file, JSON.stringify(configJsonSchema(), null, 2));
    expect(await readFile(file, "utf8")).toBe(expected);
  });

  it("docs/configuration.md is up to date (run `npm run docs:config`)", async () => {
    const file = "docs/configuration.md";
    expect(await readFile(file, "utf8")).toBe(await formatted(file, configReferenceMarkdown()));
  });

  it("the schema closes every object and accepts snake_case spellings", () => {
    const schema = configJsonSchema() as {
      additionalProperties: boolean;
      properties: Record<string, { additionalProperties?: boolean; properties?: object }>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.gate!.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["planApproval", "plan_approval", "pull_request"]),
    );
    expect(Object.keys(schema.properties.gate!.properties!)).toContain("repair_rounds");
  });
});
