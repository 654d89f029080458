/**
 * `patchsmith eval` over a two-instance dataset with the scripted model: one instance is
 * fixed (its test passes on the branch), the other is not (its test still fails).
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { git, makeRepo, tempDir } from "../fakes/git-fixtures.js";
import { BUGGY_SUM_PROJECT, SUM_FIX, SUM_PLAN } from "../fakes/js-project.js";
import { editorCall, ScriptedModel, text, toolUse } from "../fakes/scripted-model.js";

describe("patchsmith eval", () => {
  let model: ScriptedModel | undefined;
  afterEach(() => model?.assertDone());

  it("reports resolved, failed and cost per instance and in total", async () => {
    const repos = await tempDir();
    await makeRepo(BUGGY_SUM_PROJECT, path.join(repos, "calc"));
    // The second repository turns repairs off, so its unfixed change is published as is.
    await makeRepo(
      { ...BUGGY_SUM_PROJECT, ".github/patchsmith.yml": "gate:\n  repairRounds: 0\n" },
      path.join(repos, "calc-norepair"),
    );
    const dataset = path.join(await tempDir(), "tasks.jsonl");
    const instance = (id: string, repo: string) =>
      JSON.stringify({
        id,
        repo,
        baseCommit: git(path.join(repos, repo), "rev-parse", "HEAD"),
        problemStatement:
          "sum() returns the difference\n`sum(1, 2)` in src/sum.js returns -1 instead of 3.",
        testCommand: "node --test",
      });
    await writeFile(
      dataset,
      `${instance("calc-1", "calc")}\n${instance("calc-2", "calc-norepair")}\n`,
    );
    model = new ScriptedModel([
      // calc-1: the fix.
      toolUse("submit_plan", SUM_PLAN),
      editorCall(SUM_FIX),
      text("Fixed sum()."),
      // calc-2: a change that leaves the bug; the gate's tests fail, repairs are off.
      toolUse("submit_plan", SUM_PLAN),
      editorCall({ command: "str_replace", path: "README.md", old_str: "Tiny", new_str: "Small" }),
      text("Changed the README."),
    ]);
    let stdout = "";
    let stderr = "";
    const workDir = await tempDir();
    const code = await main(["eval", "--dataset", dataset, "--repos", repos, "--json"], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PATCHSMITH_WORK_DIR: workDir,
        LOG_LEVEL: "silent",
      },
      io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
      model,
    });
    expect(stderr).toBe(""); // not a terminal: no progress
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      instances: {
        id: string;
        resolved: boolean;
        status: string;
        costUsd: number;
        reason?: string;
      }[];
      totals: { instances: number; resolved: number; failed: number; costUsd: number };
    };
    expect(report.instances.map((i) => [i.id, i.status])).toEqual([
      ["calc-1", "resolved"],
      ["calc-2", "unresolved"],
    ]);
    expect(report.instances[1]!.reason).toMatch(/test command exited 1/);
    expect(report.totals).toMatchObject({ instances: 2, resolved: 1, failed: 1 });
    expect(report.totals.costUsd).toBe(report.instances[0]!.costUsd + report.instances[1]!.costUsd);
  });
});
