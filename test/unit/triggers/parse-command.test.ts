import { describe, expect, it } from "vitest";
import { parseCommand } from "../../../src/triggers/index.js";

describe("parseCommand", () => {
  it.each([
    ["/generate", { name: "generate", mode: "implement" }],
    ["/GENERATE", { name: "generate", mode: "implement" }],
    [
      "/generate tests please add X",
      { name: "generate", mode: "tests", instructions: "please add X" },
    ],
    ["/generate Docs", { name: "generate", mode: "docs" }],
    [
      "/generate refactor\nkeep the API\nand the names",
      { name: "generate", mode: "refactor", instructions: "keep the API\nand the names" },
    ],
    [
      "/generate please add X",
      { name: "generate", mode: "implement", instructions: "please add X" },
    ],
    [
      "/generate testsuite for parser",
      { name: "generate", mode: "implement", instructions: "testsuite for parser" },
    ],
    [
      "Looks good.\r\n  /generate implement   use zod  ",
      { name: "generate", mode: "implement", instructions: "use zod" },
    ],
    ["/approve", { name: "approve" }],
    ["thanks!\n/Cancel please", { name: "cancel" }],
    ["/plan", { name: "plan" }],
    ["/plan split it in two steps", { name: "plan", instructions: "split it in two steps" }],
    ["/retry", { name: "retry" }],
    ["/undo", { name: "undo" }],
    ["/help", { name: "help" }],
    ["/generated already", { name: "unknown", word: "generated" }],
    ["/generatetests", { name: "unknown", word: "generatetests" }],
    ["/deploy now", { name: "unknown", word: "deploy" }],
  ])("%j", (body, expected) => {
    expect(parseCommand(body)).toEqual(expected);
  });

  it.each([
    [""],
    [undefined],
    [null],
    ["please /generate this"],
    ["/usr/bin/env is missing"],
    ["> /generate\nquoting someone"],
    ["```\n/generate\n```"],
    ["~~~sh\n/approve\n~~~\nafter the fence"],
  ])("no command in %j", (body) => {
    expect(parseCommand(body)).toBeUndefined();
  });

  it("takes the first command line, after quoted and fenced ones", () => {
    expect(
      parseCommand("> /cancel\n```\n/approve\n```\n/generate docs fix typos\n/cancel"),
    ).toEqual({
      name: "generate",
      mode: "docs",
      instructions: "fix typos\n/cancel",
    });
  });
});
