import { mkdtemp, readFile, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/core/index.js";
import { createEditor, createPathGuard, type Editor } from "../../../src/implement/index.js";
import { createTempCheckout, type TempCheckout } from "../../fakes/temp-checkout.js";

const app =
  "export function add(a, b) {\n  return a + b;\n}\n\nexport function sub(a, b) {\n  return a - b;\n}\n";

describe("editor tool", () => {
  let checkout: TempCheckout;
  let editor: Editor;
  beforeEach(async () => {
    checkout = await createTempCheckout({
      "src/app.js": app,
      "src/dup.js": "x = 1;\nx = 1;\n",
      "src/win.txt": "one\r\ntwo\r\n",
      ".github/workflows/ci.yml": "on: push\n",
      "node_modules/dep/index.js": "",
      ".hidden": "",
    });
    editor = createEditor({
      checkout,
      guard: createPathGuard(checkout.dir, [".github/workflows/**", "*.lock"]),
      logger: silentLogger,
    });
  });
  afterEach(() => checkout.dispose());

  describe("view", () => {
    it("shows a file with line numbers, and a range of it", async () => {
      const whole = await editor.execute({ command: "view", path: "src/app.js" });
      expect(whole.isError).toBe(false);
      expect(whole.content.split("\n")[0]).toBe("     1\texport function add(a, b) {");
      expect(whole.content.split("\n")).toHaveLength(7);
      const part = await editor.execute({
        command: "view",
        path: "src/app.js",
        view_range: [5, -1],
      });
      expect(part.content).toBe(
        "     5\texport function sub(a, b) {\n     6\t  return a - b;\n     7\t}",
      );
    });

    it("lists a directory two levels deep without hidden files or node_modules", async () => {
      const listing = await editor.execute({ command: "view", path: "." });
      expect(listing.isError).toBe(false);
      expect(listing.content).toContain("src/\nsrc/app.js");
      expect(listing.content).toContain("README.md");
      expect(listing.content).not.toContain("node_modules");
      expect(listing.content).not.toContain(".hidden");
      expect(listing.content).not.toContain(".github");
    });

    it("reports a missing file and a bad range as errors", async () => {
      expect(await editor.execute({ command: "view", path: "src/nope.js" })).toMatchObject({
        isError: true,
        content: expect.stringContaining("does not exist"),
      });
      expect(
        (await editor.execute({ command: "view", path: "src/app.js", view_range: [50, 60] }))
          .isError,
      ).toBe(true);
    });

    it("may view a protected path", async () => {
      expect(
        await editor.execute({ command: "view", path: ".github/workflows/ci.yml" }),
      ).toMatchObject({ isError: false });
    });
  });

  describe("create", () => {
    it("creates a file in a new directory and reports it changed", async () => {
      const result = await editor.execute({
        command: "create",
        path: "lib/deep/new.js",
        file_text: "export const x = 1;\n",
      });
      expect(result).toMatchObject({ isError: false, changed: "lib/deep/new.js" });
      expect(await checkout.read("lib/deep/new.js")).toBe("export const x = 1;\n");
    });

    it("refuses a protected path", async () => {
      const result = await editor.execute({
        command: "create",
        path: ".github/workflows/ci.yml",
        file_text: "on: pull_request_target\n",
      });
      expect(result.isError).toBe(true);
      expect(result.content).toContain("protected");
      expect(await checkout.read(".github/workflows/ci.yml")).toBe("on: push\n");
    });
  });

  describe("str_replace", () => {
    it("replaces exactly one match and shows the region", async () => {
      const result = await editor.execute({
        command: "str_replace",
        path: "src/app.js",
        old_str: "return a - b;",
        new_str: "return a - b; // difference",
      });
      expect(result).toMatchObject({ isError: false, changed: "src/app.js" });
      expect(result.content).toContain("     6\t  return a - b; // difference");
      expect(await checkout.read("src/app.js")).toBe(
        app.replace("return a - b;", "return a - b; // difference"),
      );
    });

    it("refuses zero matches and says how to fix it", async () => {
      const result = await editor.execute({
        command: "str_replace",
        path: "src/app.js",
        old_str: "return a * b;",
        new_str: "x",
      });
      expect(result.isError).toBe(true);
      expect(result.content).toContain("not found");
      expect(await checkout.read("src/app.js")).toBe(app);
    });

    it("refuses two matches and says where they are", async () => {
      const result = await editor.execute({
        command: "str_replace",
        path: "src/dup.js",
        old_str: "x = 1;",
        new_str: "x = 2;",
      });
      expect(result.isError).toBe(true);
      expect(result.content).toContain("occurs 2 times");
      expect(result.content).toContain("lines 1, 2");
      expect(await checkout.read("src/dup.js")).toBe("x = 1;\nx = 1;\n");
    });

    it("matches LF text against a CRLF file and keeps CRLF", async () => {
      const result = await editor.execute({
        command: "str_replace",
        path: "src/win.txt",
        old_str: "one\ntwo",
        new_str: "one\nzwei",
      });
      expect(result.isError).toBe(false);
      expect(await checkout.read("src/win.txt")).toBe("one\r\nzwei\r\n");
    });

    it("deletes when new_str is left out", async () => {
      await editor.execute({
        command: "str_replace",
        path: "src/dup.js",
        old_str: "x = 1;\nx = 1;\n",
      });
      expect(await checkout.read("src/dup.js")).toBe("");
    });
  });

  describe("insert", () => {
    it("inserts at the top, in the middle and at the end", async () => {
      await editor.execute({
        command: "insert",
        path: "src/dup.js",
        insert_line: 0,
        insert_text: "// top\n",
      });
      await editor.execute({
        command: "insert",
        path: "src/dup.js",
        insert_line: 2,
        insert_text: "// middle",
      });
      const end = await editor.execute({
        command: "insert",
        path: "src/dup.js",
        insert_line: 4,
        insert_text: "// end\n// really",
      });
      expect(end).toMatchObject({ isError: false, changed: "src/dup.js" });
      expect(await checkout.read("src/dup.js")).toBe(
        "// top\nx = 1;\n// middle\nx = 1;\n// end\n// really\n",
      );
    });

    it("accepts new_str as the text, and refuses a line past the end", async () => {
      expect(
        (
          await editor.execute({
            command: "insert",
            path: "src/dup.js",
            insert_line: 1,
            new_str: "y = 2;",
          })
        ).isError,
      ).toBe(false);
      const far = await editor.execute({
        command: "insert",
        path: "src/dup.js",
        insert_line: 9,
        insert_text: "z",
      });
      expect(far.isError).toBe(true);
      expect(far.content).toContain("0..3");
    });

    it("keeps CRLF line endings", async () => {
      await editor.execute({
        command: "insert",
        path: "src/win.txt",
        insert_line: 1,
        insert_text: "one and a half",
      });
      expect(await checkout.read("src/win.txt")).toBe("one\r\none and a half\r\ntwo\r\n");
    });
  });

  describe("paths", () => {
    it("refuses .. escapes", async () => {
      const outside = path.join(
        path.dirname(checkout.dir),
        `escape-${path.basename(checkout.dir)}.txt`,
      );
      const result = await editor.execute({
        command: "create",
        path: `../${path.basename(outside)}`,
        file_text: "pwned",
      });
      expect(result.isError).toBe(true);
      expect(result.content).toContain("outside the repository");
      await expect(readFile(outside, "utf8")).rejects.toThrow();
      expect(
        (await editor.execute({ command: "view", path: "src/../../../etc/passwd" })).isError,
      ).toBe(true);
    });

    it("reads absolute paths relative to the root, so /etc/passwd is never the system's", async () => {
      const result = await editor.execute({ command: "view", path: "/etc/passwd" });
      expect(result.isError).toBe(true);
      expect(result.content).not.toContain("root:");
      const inside = await editor.execute({
        command: "view",
        path: path.join(checkout.dir, "src/app.js"),
      });
      expect(inside.isError).toBe(false);
      expect((await editor.execute({ command: "view", path: "/src/app.js" })).isError).toBe(false);
    });

    it("refuses symlinks that lead outside, for reading and writing", async () => {
      await symlink("/etc", path.join(checkout.dir, "etc-link"));
      const outsideDir = await mkdtemp(path.join(tmpdir(), "patchsmith-outside-"));
      await writeFile(path.join(outsideDir, "secret.txt"), "secret");
      await symlink(path.join(outsideDir, "secret.txt"), path.join(checkout.dir, "secret-link"));
      const read = await editor.execute({ command: "view", path: "etc-link/passwd" });
      expect(read.isError).toBe(true);
      expect(read.content).toContain("symbolic link");
      expect(
        (await editor.execute({ command: "create", path: "etc-link/evil", file_text: "x" }))
          .isError,
      ).toBe(true);
      const write = await editor.execute({
        command: "str_replace",
        path: "secret-link",
        old_str: "secret",
        new_str: "changed",
      });
      expect(write.isError).toBe(true);
      expect(await readFile(path.join(outsideDir, "secret.txt"), "utf8")).toBe("secret");
    });

    it("refuses .git, and a symlink onto a protected file", async () => {
      expect((await editor.execute({ command: "view", path: ".git/config" })).content).toContain(
        ".git directory",
      );
      expect(
        (
          await editor.execute({
            command: "create",
            path: "sub/.GIT/hooks/pre-commit",
            file_text: "x",
          })
        ).isError,
      ).toBe(true);
      await symlink(".github/workflows/ci.yml", path.join(checkout.dir, "ci-link.yml"));
      const result = await editor.execute({
        command: "create",
        path: "ci-link.yml",
        file_text: "on: pull_request_target\n",
      });
      expect(result.isError).toBe(true);
      expect(await checkout.read(".github/workflows/ci.yml")).toBe("on: push\n");
    });
  });

  it("answers malformed calls and undo_edit with errors", async () => {
    expect((await editor.execute({ path: "src/app.js" })).content).toContain(
      "command must be one of",
    );
    expect(
      (await editor.execute({ command: "str_replace", path: "src/app.js" })).content,
    ).toContain("old_str");
    expect((await editor.execute({ command: "undo_edit", path: "src/app.js" })).isError).toBe(true);
    expect((await editor.execute("not an object")).isError).toBe(true);
  });
});
