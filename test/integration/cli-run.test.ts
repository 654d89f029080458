import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { git, makeRepo, showFile, tempDir } from "../fakes/git-fixtures.js";
import { BUGGY_SUM_PROJECT, SUM_FIX, SUM_ISSUE, SUM_PLAN } from "../fakes/js-project.js";
import { editorCall, ScriptedModel, text, toolUse } from "../fakes/scripted-model.js";

function capture() {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    io: {
      stdout: (t: string) => void (out.stdout += t),
      stderr: (t: string) => void (out.stderr += t),
    },
  };
}

async function setup() {
  const repo = await makeRepo(BUGGY_SUM_PROJECT);
  const issueFile = path.join(await tempDir(), "issue.md");
  await writeFile(issueFile, `# ${SUM_ISSUE.title}\n\n${SUM_ISSUE.body}\n`);
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PATCHSMITH_WORK_DIR: await tempDir(),
    LOG_LEVEL: "silent",
  };
  return { repo, issueFile, env };
}

describe("patchsmith run", () => {
  let model: ScriptedModel | undefined;
  afterEach(() => model?.assertDone());

  it("runs the pipeline on a local repository and leaves a branch with the commit", async () => {
    const { repo, issueFile, env } = await setup();
    model = new ScriptedModel([
      toolUse("submit_plan", SUM_PLAN),
      editorCall(SUM_FIX),
      text("Fixed sum()."),
    ]);
    const { out, io } = capture();
    const code = await main(["run", "--repo", repo, "--issue-file", issueFile], { env, io, model });
    expect(out.stderr).toContain("branch patchsmith/issue-1-sum-returns-the-difference is in");
    expect(code).toBe(0);
    const branch = "patchsmith/issue-1-sum-returns-the-difference";
    expect(showFile(repo, branch, "src/sum.js")).toContain("return a + b;");
    expect(git(repo, "log", "-1", "--format=%an", branch)).toBe("patchsmith[bot]");
    // Only the model's change is committed, not what installing left behind.
    expect(git(repo, "diff", "--name-only", "main", branch)).toBe("src/sum.js");
    expect(git(repo, "rev-parse", "--abbrev-ref", "HEAD")).toBe("main");
    expect(out.stdout).toContain("Closes #1");
    expect(out.stdout).toContain("Make sum() add its arguments.");
    const firstAsk = JSON.stringify(model.calls[0]!.messages);
    expect(firstAsk).toContain("returns -1 instead of 3");
    expect(firstAsk).toContain("src/sum.js");
  });

  it("says what to set when there is no API key", async () => {
    const { repo, issueFile, env } = await setup();
    const { out, io } = capture();
    const code = await main(["run", "--repo", repo, "--issue-file", issueFile], { env, io });
    expect(code).toBe(2);
    expect(out.stderr).toMatch(/ANTHROPIC_API_KEY is not set/);
  });

  it("rejects a directory that is not a git repository", async () => {
    const { issueFile, env } = await setup();
    const { out, io } = capture();
    const code = await main(["run", "--repo", await tempDir(), "--issue-file", issueFile], {
      env,
      io,
    });
    expect(code).toBe(2);
    expect(out.stderr).toMatch(/is not a git repository/);
  });
});
