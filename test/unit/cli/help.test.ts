import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { createProgress } from "../../../src/cli-progress.js";
import { COMMANDS } from "../../../src/cli-help.js";
import { main } from "../../../src/cli.js";

async function capture(argv: string[]) {
  const out = { stdout: "", stderr: "" };
  const code = await main(argv, {
    env: { LOG_LEVEL: "silent" },
    io: { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t) },
  });
  return { code, ...out };
}

describe("patchsmith --help", () => {
  it("lists every command the dispatcher knows, each with an example", async () => {
    const { code, stdout } = await capture(["--help"]);
    expect(code).toBe(0);
    // Every `case "<name>":` in cli.ts is a command users can type.
    const source = await readFile(new URL("../../../src/cli.ts", import.meta.url), "utf8");
    const dispatched = [...source.matchAll(/case "([a-z][a-z-]*)":/g)].map((m) => m[1]!);
    expect(dispatched).toEqual(
      expect.arrayContaining(["serve", "run", "localize", "gate", "eval", "action"]),
    );
    for (const name of dispatched) expect(stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    for (const command of COMMANDS) expect(stdout).toContain(`e.g. ${command.example}`);
  });

  it("`patchsmith <command> --help` and `patchsmith help <command>` explain one command", async () => {
    const byFlag = await capture(["eval", "--help"]);
    expect(byFlag.code).toBe(0);
    expect(byFlag.stdout).toContain("Usage: patchsmith eval --dataset FILE.jsonl --repos DIR");
    expect(byFlag.stdout).toContain("Example:");
    expect((await capture(["help", "run"])).stdout).toContain("Usage: patchsmith run --repo DIR");
    expect((await capture(["help", "nope"])).code).toBe(2);
  });
});

describe("progress", () => {
  it("draws one line in place on a terminal and clears it when done", () => {
    let written = "";
    const progress = createProgress((t) => void (written += t), true);
    progress.step("patchsmith: analyzing the code");
    progress.step("patchsmith: planning");
    progress.done();
    expect(written).toContain("\r\x1b[K⏳ analyzing the code (0 s)");
    expect(written).toContain("⏳ planning");
    expect(written.endsWith("\r\x1b[K")).toBe(true);
  });

  it("says nothing when not on a terminal", () => {
    let written = "";
    const progress = createProgress((t) => void (written += t), false);
    progress.step("patchsmith: planning");
    progress.done();
    expect(written).toBe("");
  });
});
