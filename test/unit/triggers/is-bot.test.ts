import { describe, expect, it } from "vitest";
import { isBot } from "../../../src/triggers/index.js";

describe("isBot", () => {
  it("ignores apps by type and by the [bot] suffix, and this app by its login", () => {
    expect(isBot({ login: "dependabot[bot]", type: "Bot" })).toBe(true);
    expect(isBot({ login: "renovate[bot]" })).toBe(true);
    expect(isBot({ login: "Patchsmith-Dev", type: "User" }, "patchsmith-dev")).toBe(true);
    expect(isBot({ login: "Helper", type: "Bot" })).toBe(true);
    expect(isBot(null)).toBe(true);
  });

  it("lets people through", () => {
    expect(isBot({ login: "alice", type: "User" })).toBe(false);
    expect(isBot({ login: "robot-fan", type: "User" }, "patchsmith[bot]")).toBe(false);
  });
});
