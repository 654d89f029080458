import { describe, expect, it } from "vitest";
import { lastRound } from "../../../src/pipeline/index.js";

const commit = (sha: string, message: string) => ({ sha, message, authorName: "x" });

describe("the bot's last round", () => {
  it("is the head commits sharing the head's Patchsmith-Job trailer", () => {
    expect(
      lastRound([
        commit("c", "b2\n\nPatchsmith-Job: j2"),
        commit("b", "b1\n\nPatchsmith-Job: j2"),
        commit("a", "a\n\nPatchsmith-Job: j1"),
      ]),
    ).toEqual({ job: "j2", shas: ["c", "b"] });
  });

  it("is nothing when a person's commit is on top", () => {
    expect(
      lastRound([commit("p", "by a person"), commit("b", "x\n\nPatchsmith-Job: j2")]),
    ).toBeUndefined();
    expect(lastRound([])).toBeUndefined();
  });
});
