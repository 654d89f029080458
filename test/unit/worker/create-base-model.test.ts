import { describe, expect, it } from "vitest";
import { parseEnv } from "../../../src/config/index.js";
import { ConfigError, silentLogger } from "../../../src/core/index.js";
import { createBaseModel } from "../../../src/worker.js";

describe("createBaseModel", () => {
  it("is Anthropic by default, with the configured model", () => {
    const model = createBaseModel(
      parseEnv({ ANTHROPIC_API_KEY: "sk-ant-x", PATCHSMITH_MODEL: "claude-sonnet-4-5" }),
      silentLogger,
    );
    expect(model.name).toBe("anthropic:claude-sonnet-4-5");
  });

  it("is the OpenAI-compatible adapter when asked for, and says what is missing", () => {
    const env = { PATCHSMITH_PROVIDER: "openai-compatible", PATCHSMITH_MODEL: "qwen3-coder" };
    expect(() => createBaseModel(parseEnv(env), silentLogger)).toThrow(ConfigError);
    expect(() => createBaseModel(parseEnv(env), silentLogger)).toThrow(
      /OPENAI_BASE_URL is not set/,
    );
    const model = createBaseModel(
      parseEnv({ ...env, OPENAI_BASE_URL: "http://localhost:8000/v1" }),
      silentLogger,
    );
    expect(model.name).toBe("openai-compatible:qwen3-coder");
  });

  it("without a key says what to set", () => {
    expect(() => createBaseModel(parseEnv({}), silentLogger)).toThrow(
      /ANTHROPIC_API_KEY is not set/,
    );
  });
});
