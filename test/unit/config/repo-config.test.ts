import { describe, expect, it } from "vitest";
import { defaultRepoConfig, parseRepoConfig } from "../../../src/config/index.js";
import { ConfigError } from "../../../src/core/index.js";

describe("parseRepoConfig", () => {
  it("gives the defaults for a missing or empty file", () => {
    expect(parseRepoConfig(undefined)).toEqual(defaultRepoConfig());
    expect(parseRepoConfig("\n")).toEqual(defaultRepoConfig());
    expect(defaultRepoConfig().gate.repairRounds).toBe(3);
  });

  it("reads values and keeps defaults for the rest", () => {
    const config = parseRepoConfig(
      "gate:\n  repairRounds: 1\ncommands:\n  test: npm run test:unit\n",
    );
    expect(config.gate.repairRounds).toBe(1);
    expect(config.gate.timeoutSeconds).toBe(900);
    expect(config.commands.test).toBe("npm run test:unit");
  });

  it("reports every problem at once with its line", () => {
    let error: unknown;
    try {
      parseRepoConfig(
        "label: patchsmith\ngate:\n  repairRounds: -1\npolicy:\n  maxChangedFiles: many\nunknownKey: 1\n",
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toMatch(/line 3: gate\.repairRounds/);
    expect(problems).toMatch(/line 5: policy\.maxChangedFiles/);
    expect(problems).toMatch(/unknownKey/);
  });

  it("reports YAML syntax errors with the line", () => {
    expect(() => parseRepoConfig("gate:\n  repairRounds: [1\n")).toThrow(/line \d/);
  });
});
