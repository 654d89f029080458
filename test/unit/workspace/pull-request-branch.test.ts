/**
 * A feedback job works on a pull request's branch as it is: the base merged in when clean,
 * a conflict named, and a push that never rewrites commits someone pushed meanwhile.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PatchsmithError } from "../../../src/core/index.js";
import { createGitWorkspace } from "../../../src/workspace/index.js";
import { directRunner } from "../../fakes/direct-runner.js";
import { git, makeRemote, tempDir, writeFiles } from "../../fakes/git-fixtures.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const BOT = { name: "patchsmith[bot]", email: "bot@example.com" };
const REPO = { owner: "acme", name: "widget" };
const BRANCH = "patchsmith/issue-1-x";

/** A remote whose PR branch changed src/a.js, and a clone to push more commits from. */
async function setup() {
  const remote = await makeRemote("acme", "widget", {
    "README.md": "# widget\n",
    "src/a.js": "export const a = 1;\n",
  });
  cleanups.push(remote.cleanup);
  const person = await tempDir();
  git(person, "clone", "-q", remote.bare, ".");
  git(person, "checkout", "-q", "-b", BRANCH);
  await writeFiles(person, { "src/a.js": "export const a = 2;\n" });
  git(person, "commit", "-qam", "a is 2");
  git(person, "push", "-q", "origin", BRANCH);
  const workDir = await tempDir();
  const workspace = createGitWorkspace({
    workDir,
    gitBaseUrl: remote.base,
    runnerFor: () => directRunner,
    env: { PATH: process.env.PATH ?? "", HOME: workDir },
  });
  /** Commits on `branch` of the remote, as a person would. */
  const pushAs = async (branch: string, files: Record<string, string>, message: string) => {
    git(person, "fetch", "-q", "origin");
    git(person, "checkout", "-q", "-B", branch, `origin/${branch}`);
    await writeFiles(person, files);
    git(person, "commit", "-qam", message);
    git(person, "push", "-q", "origin", branch);
    return git(person, "rev-parse", "HEAD");
  };
  return { remote, workspace, pushAs };
}

const prepare = (workspace: ReturnType<typeof createGitWorkspace>) =>
  workspace.prepare({
    repo: REPO,
    baseRef: "main",
    branch: BRANCH,
    existingBranch: true,
    mergeBase: { author: BOT, message: "Merge main\n\nPatchsmith-Job: j" },
  });

describe("working on a pull request branch", () => {
  it("starts at the branch head and merges a base that moved, when clean", async () => {
    const { remote, workspace, pushAs } = await setup();
    const head = git(remote.bare, "rev-parse", BRANCH);
    const mainSha = await pushAs("main", { "README.md": "# widget, moved\n" }, "main moved");
    const checkout = await prepare(workspace);
    cleanups.push(() => checkout.dispose());
    expect(await checkout.readFile("src/a.js")).toContain("a = 2");
    expect(await checkout.readFile("README.md")).toContain("moved");
    expect(checkout.baseSha).toBe(await checkout.headSha());
    expect(git(checkout.dir, "log", "-1", "--format=%P")).toBe(`${head} ${mainSha}`);
    expect(await checkout.changedFiles()).toEqual([]);
  });

  it("names the conflicting files when the base does not merge cleanly", async () => {
    const { workspace, pushAs } = await setup();
    await pushAs("main", { "src/a.js": "export const a = 3;\n" }, "main changes a too");
    const error = await prepare(workspace).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PatchsmithError);
    expect((error as PatchsmithError).userMessage).toContain("`src/a.js`");
  });

  it("merges commits pushed during the job instead of forcing over them", async () => {
    const { remote, workspace, pushAs } = await setup();
    const checkout = await prepare(workspace);
    cleanups.push(() => checkout.dispose());
    await checkout.writeFile("src/b.js", "export const b = 1;\n");
    await checkout.commit("Add b", BOT);
    const theirs = await pushAs(BRANCH, { "README.md": "# widget by a person\n" }, "person");
    await checkout.push({ mergeIfMoved: { author: BOT, message: "Merge the branch" } });
    const pushed = git(remote.bare, "rev-parse", BRANCH);
    // Their commit is an ancestor of what was pushed: nothing of theirs was lost.
    expect(git(remote.bare, "merge-base", "--is-ancestor", theirs, pushed)).toBe("");
    expect(git(remote.bare, "show", `${pushed}:src/b.js`)).toContain("b = 1");
  });

  it("stops and pushes nothing when commits pushed during the job conflict", async () => {
    const { remote, workspace, pushAs } = await setup();
    const checkout = await prepare(workspace);
    cleanups.push(() => checkout.dispose());
    await checkout.writeFile("src/a.js", "export const a = 5;\n");
    await checkout.commit("a is 5", BOT);
    const theirs = await pushAs(BRANCH, { "src/a.js": "export const a = 6;\n" }, "person");
    const error = await checkout
      .push({ mergeIfMoved: { author: BOT, message: "Merge the branch" } })
      .catch((e: unknown) => e);
    expect((error as PatchsmithError).userMessage).toContain("`src/a.js`");
    expect(git(remote.bare, "rev-parse", BRANCH)).toBe(theirs);
  });
});
