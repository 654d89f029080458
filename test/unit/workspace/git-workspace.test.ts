import { readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PathSafetyError } from "../../../src/core/index.js";
import { createGitWorkspace } from "../../../src/workspace/index.js";
import { directRunner } from "../../fakes/direct-runner.js";
import { git, makeRemote, showFile, tempDir } from "../../fakes/git-fixtures.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup() {
  const remote = await makeRemote("acme", "widget", {
    "README.md": "# widget\n",
    "src/a.js": "export const a = 1;\n",
  });
  cleanups.push(remote.cleanup);
  const workDir = await tempDir();
  const workspace = createGitWorkspace({
    workDir,
    gitBaseUrl: remote.base,
    runnerFor: () => directRunner,
    env: { PATH: process.env.PATH ?? "", HOME: workDir },
  });
  return { remote, workspace, workDir };
}

describe("git workspace", () => {
  it("clones, edits, commits as the bot and pushes a new branch", async () => {
    const { remote, workspace } = await setup();
    const checkout = await workspace.prepare({
      repo: { owner: "acme", name: "widget" },
      baseRef: "main",
      branch: "patchsmith/issue-1-x",
      token: "ghs_secrettoken1234567890",
    });
    cleanups.push(() => checkout.dispose());
    expect(await checkout.readFile("src/a.js")).toContain("a = 1");
    await checkout.writeFile("src/b.js", "export const b = 2;\n");
    expect(await checkout.changedFiles()).toEqual(["src/b.js"]);
    const sha = await checkout.commit("Add b", {
      name: "patchsmith[bot]",
      email: "bot@example.com",
    });
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    await checkout.push();
    expect(showFile(remote.bare, "patchsmith/issue-1-x", "src/b.js")).toBe("export const b = 2;\n");
    expect(git(remote.bare, "log", "-1", "--format=%an <%ae>", "patchsmith/issue-1-x")).toBe(
      "patchsmith[bot] <bot@example.com>",
    );
    const config = await readFile(path.join(checkout.dir, ".git", "config"), "utf8");
    expect(config).not.toContain("ghs_secrettoken");
    expect(config).toContain(remote.base);
  });

  it("returns undefined when there is nothing to commit", async () => {
    const { workspace } = await setup();
    const checkout = await workspace.prepare({
      repo: { owner: "acme", name: "widget" },
      baseRef: "main",
      branch: "b1",
    });
    cleanups.push(() => checkout.dispose());
    expect(await checkout.commit("nothing", { name: "n", email: "e@x" })).toBeUndefined();
  });

  it("continues an existing branch instead of rewriting it", async () => {
    const { remote, workspace } = await setup();
    const first = await workspace.prepare({
      repo: { owner: "acme", name: "widget" },
      baseRef: "main",
      branch: "feature",
    });
    await first.writeFile("one.txt", "1\n");
    await first.commit("one", { name: "n", email: "e@x" });
    await first.push();
    await first.dispose();
    const second = await workspace.prepare({
      repo: { owner: "acme", name: "widget" },
      baseRef: "main",
      branch: "feature",
    });
    cleanups.push(() => second.dispose());
    expect(await second.readFile("one.txt")).toBe("1\n");
    expect(second.baseSha).toBe(git(remote.bare, "rev-parse", "main"));
    expect(await second.changedFiles()).toEqual(["one.txt"]);
  });

  it("refuses paths outside the checkout, into .git, and through symlinks", async () => {
    const { workspace } = await setup();
    const checkout = await workspace.prepare({
      repo: { owner: "acme", name: "widget" },
      baseRef: "main",
      branch: "b2",
    });
    cleanups.push(() => checkout.dispose());
    await expect(checkout.readFile("../../etc/passwd")).rejects.toBeInstanceOf(PathSafetyError);
    await expect(checkout.writeFile(".git/hooks/pre-commit", "x")).rejects.toBeInstanceOf(
      PathSafetyError,
    );
    await symlink("/etc", path.join(checkout.dir, "escape"));
    await expect(checkout.readFile("escape/passwd")).rejects.toBeInstanceOf(PathSafetyError);
    await expect(checkout.writeFile("escape/new-file", "x")).rejects.toBeInstanceOf(
      PathSafetyError,
    );
    // An absolute path is read relative to the checkout root.
    expect(await checkout.readFile("/src/a.js")).toContain("a = 1");
  });

  it("does not run hooks written into .git by repository code", async () => {
    const { workspace } = await setup();
    const checkout = await workspace.prepare({
      repo: { owner: "acme", name: "widget" },
      baseRef: "main",
      branch: "b3",
    });
    cleanups.push(() => checkout.dispose());
    const marker = path.join(checkout.dir, "..", "hook-ran");
    await writeFile(
      path.join(checkout.dir, ".git", "hooks", "pre-commit"),
      `#!/bin/sh\ntouch ${marker}\n`,
      { mode: 0o755 },
    );
    await checkout.writeFile("x.txt", "x\n");
    await checkout.commit("x", { name: "n", email: "e@x" });
    await expect(readFile(marker)).rejects.toThrow();
  });

  it("discards changes to chosen paths, restoring or deleting them", async () => {
    const { workspace } = await setup();
    const checkout = await workspace.prepare({
      repo: { owner: "acme", name: "widget" },
      baseRef: "main",
      branch: "b5",
    });
    cleanups.push(() => checkout.dispose());
    await checkout.writeFile("src/a.js", "changed\n");
    await checkout.writeFile("new.lock", "x\n");
    await checkout.writeFile("keep.js", "keep\n");
    await checkout.discardChanges(["src/a.js", "new.lock"]);
    expect(await checkout.readFile("src/a.js")).toBe("export const a = 1;\n");
    expect(await checkout.exists("new.lock")).toBe(false);
    expect(await checkout.changedFiles()).toEqual(["keep.js"]);
  });

  it("searches tracked and new files", async () => {
    const { workspace } = await setup();
    const checkout = await workspace.prepare({
      repo: { owner: "acme", name: "widget" },
      baseRef: "main",
      branch: "b4",
    });
    cleanups.push(() => checkout.dispose());
    await checkout.writeFile("src/c.js", "export const needle = 3;\n");
    const hits = await checkout.search("needle|a = 1");
    expect(hits.map((h) => h.path).sort()).toEqual(["src/a.js", "src/c.js"]);
  });
});

describe("git workspace against repository code that writes to .git", () => {
  it("ignores a url rewrite planted in .git/config, so the push still goes to the real remote", async () => {
    const { remote, workspace, workDir } = await setup();
    const checkout = await workspace.prepare({
      repo: { owner: "acme", name: "widget" },
      baseRef: "main",
      branch: "b6",
    });
    cleanups.push(() => checkout.dispose());
    const trap = path.join(workDir, "trap.git");
    git(workDir, "init", "-q", "--bare", trap);
    await writeFile(
      path.join(checkout.dir, ".git", "config"),
      `${await readFile(path.join(checkout.dir, ".git", "config"), "utf8")}[url "${trap}"]\n\tinsteadOf = ${remote.base}\n`,
    );
    await checkout.writeFile("x.txt", "x\n");
    await checkout.commit("x", { name: "n", email: "e@x" });
    await checkout.push();
    expect(showFile(remote.bare, "b6", "x.txt")).toBe("x\n");
    expect(showFile(trap, "b6", "x.txt")).toBeUndefined();
  });
});
