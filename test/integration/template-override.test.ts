/**
 * A repository's own template replaces patchsmith's, and the PR body names the versions
 * of the templates the run used (and which ones the repository overrode).
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { makeRepo, tempDir } from "../fakes/git-fixtures.js";
import { BUGGY_SUM_PROJECT, SUM_FIX, SUM_ISSUE, SUM_PLAN } from "../fakes/js-project.js";
import { editorCall, ScriptedModel, text, toolUse } from "../fakes/scripted-model.js";

describe("template overrides", () => {
  let model: ScriptedModel | undefined;
  afterEach(() => model?.assertDone());

  it("uses .github/patchsmith/templates/<name>.md and reports its version", async () => {
    const repo = await makeRepo({
      ...BUGGY_SUM_PROJECT,
      ".github/patchsmith/templates/pr-body.md":
        "<!-- template: pr-body v7 -->\nOur house style. {{summary}}\n\nFixes #{{issueNumber}}\n\n{{#templates}}\n- {{label}}\n{{/templates}}\n",
      ".github/patchsmith/templates/prompts/plan.md":
        "<!-- template: plan v2 -->\nYou plan changes for the ACME codebase. Keep plans short.\n",
    });
    const issueFile = path.join(await tempDir(), "issue.md");
    await writeFile(issueFile, `# ${SUM_ISSUE.title}\n\n${SUM_ISSUE.body}\n`);
    model = new ScriptedModel([
      toolUse("submit_plan", SUM_PLAN),
      editorCall(SUM_FIX),
      text("Fixed sum()."),
    ]);
    let stdout = "";
    const code = await main(["run", "--repo", repo, "--issue-file", issueFile, "--json"], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PATCHSMITH_WORK_DIR: await tempDir(),
        LOG_LEVEL: "silent",
      },
      io: { stdout: (t) => void (stdout += t), stderr: () => {} },
      model,
    });
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      status: string;
      body: string;
      report: { templates: { name: string; version: string; overridden: boolean }[] };
    };
    expect(result.status).toBe("published");
    expect(result.report.templates).toEqual(
      expect.arrayContaining([
        { name: "prompts/plan.md", version: "v2", overridden: true },
        { name: "prompts/implement.md", version: "v1", overridden: false },
      ]),
    );
    stdout = result.body;
    expect(stdout).toMatch(/^Our house style\. Make sum\(\) add its arguments\./);
    expect(stdout).toContain("Fixes #1");
    expect(stdout).toContain("- github/pr-body v7 (overridden by this repository)");
    expect(stdout).toContain("- prompts/plan v2 (overridden by this repository)");
    expect(stdout).toContain("- prompts/implement v1\n");
    // The override reached the model, without its version line.
    const system = model.calls[0]!.system;
    expect(system).toContain("ACME codebase");
    expect(system).not.toContain("template: plan");
  });
});
