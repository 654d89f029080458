/**
 * Two `patchsmith run`s on one repository sharing a data directory (the spend ledger): the
 * first is published, the second stops between implement turns because together they
 * reached the repository's `budget.dailyUsd`, says so, and leaves no branch.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { openSqliteSpendLedger, SPEND_LEDGER_FILE } from "../../src/ledger/index.js";
import { git, makeRepo, tempDir } from "../fakes/git-fixtures.js";
import { BUGGY_SUM_PROJECT, SUM_FIX, SUM_ISSUE, SUM_PLAN } from "../fakes/js-project.js";
import { editorCall, ScriptedModel, text, toolUse } from "../fakes/scripted-model.js";
import type { ModelResponse } from "../../src/core/index.js";

// Binary-exact amounts, so the totals compare without rounding.
const costs = (usd: number, ...steps: ModelResponse[]) =>
  steps.map((step) => ({ ...step, costUsd: usd }));

async function runOnce(
  repo: string,
  issue: { title: string; body: string },
  model: ScriptedModel,
  env: Record<string, string | undefined>,
  { json = true } = {},
) {
  const issueFile = path.join(await tempDir(), "issue.json");
  await writeFile(issueFile, JSON.stringify(issue));
  let stdout = "";
  let stderr = "";
  const args = ["run", "--repo", repo, "--issue-file", issueFile, ...(json ? ["--json"] : [])];
  const code = await main(args, {
    env,
    io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    model,
  });
  const result = json ? (JSON.parse(stdout) as Record<string, unknown>) : {};
  return { code, stderr, result };
}

describe("patchsmith run with a daily budget", () => {
  it("stops the second run between turns once the day's spend of the repository is reached", async () => {
    const repo = await makeRepo({
      ...BUGGY_SUM_PROJECT,
      ".github/patchsmith.yml": "budget:\n  dailyUsd: 1.25\n",
    });
    const dataDir = path.join(await tempDir(), "data");
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PATCHSMITH_WORK_DIR: await tempDir(),
      PATCHSMITH_DATA_DIR: dataDir,
      // The operator's default is higher: the repository's own setting is the one that binds.
      PATCHSMITH_DAILY_USD_PER_REPO: "20",
      LOG_LEVEL: "silent",
    };

    const first = new ScriptedModel(
      costs(0.25, toolUse("submit_plan", SUM_PLAN), editorCall(SUM_FIX), text("Fixed sum().")),
    );
    const one = await runOnce(repo, SUM_ISSUE, first, env);
    expect(one.result.status).toBe("published");
    expect(one.code).toBe(0);
    first.assertDone();

    const second = new ScriptedModel(
      costs(
        0.25,
        toolUse("submit_plan", {
          summary: "Format with a space.",
          steps: ["Change src/format.js"],
          files: ["src/format.js"],
          testStrategy: "None.",
          risks: [],
        }),
        editorCall({
          command: "str_replace",
          path: "src/format.js",
          old_str: "`= ${n}`",
          new_str: "`= ${n} `",
        }),
        text("never asked for"),
      ),
    );
    const two = await runOnce(
      repo,
      { title: "format() needs a trailing space", body: "See src/format.js." },
      second,
      env,
    );
    expect(two.code).toBe(1);
    // The plan and one edit turn ran; the turn after them was never asked for.
    expect(second.calls.map((c) => c.stage)).toEqual(["plan", "implement"]);
    expect(two.result.status).toBe("failed");
    const error = two.result.error as { phase: string; message: string };
    expect(error.phase).toBe("implement");
    expect(error.message).toMatch(
      /^This repository's daily model budget is spent: \$1\.25 of \$1\.25 today \(UTC\) across every patchsmith run in local\/[\w-]+, so this run stopped before its next model call \(implement\)\. Raise `budget\.dailyUsd` in \.github\/patchsmith\.yml \(up to \$20\.00, the operator's PATCHSMITH_DAILY_USD_PER_REPO\), or wait: the day resets at 00:00 UTC \(in /,
    );
    // What it finished is in the report; nothing was published.
    expect(two.result.report).toMatchObject({ modelCalls: 2, costUsd: 0.5 });
    expect(git(repo, "branch", "--list", "patchsmith/*")).toBe(
      "patchsmith/issue-1-sum-returns-the-difference",
    );

    const ledger = openSqliteSpendLedger({ file: path.join(dataDir, SPEND_LEDGER_FILE) });
    expect(
      await ledger.spentToday({ kind: "repository", id: `local/${path.basename(repo)}` }),
    ).toBe(1.25);
    await ledger.close();
  });

  it("a run that starts with the day's budget spent stops before its first model call", async () => {
    const repo = await makeRepo(BUGGY_SUM_PROJECT);
    const dataDir = path.join(await tempDir(), "data");
    const ledger = openSqliteSpendLedger({ file: path.join(dataDir, SPEND_LEDGER_FILE) });
    await ledger.add([{ kind: "repository", id: `local/${path.basename(repo)}` }], 3);
    await ledger.close();
    const model = new ScriptedModel([toolUse("submit_plan", SUM_PLAN)]);
    const { code, stderr } = await runOnce(
      repo,
      SUM_ISSUE,
      model,
      {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PATCHSMITH_WORK_DIR: await tempDir(),
        PATCHSMITH_DATA_DIR: dataDir,
        PATCHSMITH_DAILY_USD_PER_REPO: "3",
        LOG_LEVEL: "silent",
      },
      { json: false },
    );
    expect(code).toBe(1);
    expect(model.calls).toHaveLength(0);
    expect(stderr).toMatch(
      /the run failed during plan: This repository's daily model budget is spent: \$3\.00 of \$3\.00 today \(UTC\).*before its first model call \(plan\)\. The operator of this patchsmith can raise PATCHSMITH_DAILY_USD_PER_REPO/,
    );
    expect(git(repo, "branch", "--list", "patchsmith/*")).toBe("");
  });
});
