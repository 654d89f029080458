import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { git, makeRepo, tempDir } from "../fakes/git-fixtures.js";
import { BUGGY_SUM_PROJECT, SUM_FIX, SUM_ISSUE, SUM_PLAN } from "../fakes/js-project.js";
import { editorCall, ScriptedModel, text, toolUse } from "../fakes/scripted-model.js";

describe("patchsmith run with a budget", () => {
  it("stops between implement turns, says why and what finished, and publishes nothing", async () => {
    const repo = await makeRepo(BUGGY_SUM_PROJECT);
    const issueFile = path.join(await tempDir(), "issue.md");
    await writeFile(issueFile, `# ${SUM_ISSUE.title}\n\n${SUM_ISSUE.body}\n`);
    // Each scripted call uses 120 tokens: the plan and one edit turn fit, the next turn does not.
    const model = new ScriptedModel([
      toolUse("submit_plan", SUM_PLAN),
      editorCall(SUM_FIX),
      text("never asked for"),
    ]);
    let stderr = "";
    let stdout = "";
    const code = await main(["run", "--repo", repo, "--issue-file", issueFile], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PATCHSMITH_WORK_DIR: await tempDir(),
        PATCHSMITH_MAX_TOKENS: "200",
        LOG_LEVEL: "silent",
      },
      io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
      model,
    });
    expect(code).toBe(1);
    expect(model.calls.map((c) => c.stage)).toEqual(["plan", "implement"]);
    expect(stderr).toMatch(
      /failed during implement: This run used its token budget \(240 of 200 tokens\)/,
    );
    expect(stderr).toMatch(/PATCHSMITH_MAX_TOKENS/);
    expect(stdout).toBe("");
    expect(git(repo, "branch", "--list", "patchsmith/*")).toBe("");
  });
});
