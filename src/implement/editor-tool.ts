/**
 * Executes Anthropic text-editor commands (view, create, str_replace, insert) on a checkout.
 * Every failure becomes a result the model can act on (isError), never an exception: the edit
 * loop goes on and the model corrects itself.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import {
  containsSecret,
  isSecretPath,
  PathSafetyError,
  type Checkout,
  type Logger,
} from "../core/index.js";
import { lifecycleScriptChange } from "./manifest-guard.js";
import type { PathGuard } from "./safe-path.js";
import { joinLines, lineOfOffset, numbered, occurrenceLines, splitLines } from "./text-lines.js";

export interface EditorResult {
  content: string;
  isError: boolean;
  /** The path changed by this command, relative to the root. */
  changed?: string;
}

const MAX_VIEW_CHARS = 60_000;
const MAX_LISTING = 400;
const SNIPPET_CONTEXT = 4;
const LISTING_SKIP = new Set(["node_modules", ".git"]);

const pathField = z.string({ error: "path is required" }).min(1, "path is required");

const commandSchema = z.discriminatedUnion(
  "command",
  [
    z.object({
      command: z.literal("view"),
      path: pathField,
      view_range: z.tuple([z.number().int(), z.number().int()]).optional(),
    }),
    z.object({
      command: z.literal("create"),
      path: pathField,
      file_text: z.string({ error: "file_text is required" }),
    }),
    z.object({
      command: z.literal("str_replace"),
      path: pathField,
      old_str: z.string({ error: "old_str is required" }).min(1, "old_str must not be empty"),
      new_str: z.string().optional(),
    }),
    z.object({
      command: z.literal("insert"),
      path: pathField,
      insert_line: z.number({ error: "insert_line is required" }).int(),
      insert_text: z.string().optional(),
      new_str: z.string().optional(),
    }),
    z.object({ command: z.literal("undo_edit"), path: z.string().optional() }),
  ],
  { error: "command must be one of view, create, str_replace, insert" },
);

type Command = z.infer<typeof commandSchema>;

const fail = (content: string): EditorResult => ({ content, isError: true });

export function createEditor(options: { checkout: Checkout; guard: PathGuard; logger: Logger }) {
  const { checkout, guard, logger } = options;

  async function statOf(abs: string) {
    try {
      return await stat(abs);
    } catch {
      return undefined;
    }
  }

  async function listDirectory(abs: string, rel: string): Promise<EditorResult> {
    const entries: string[] = [];
    async function walk(dir: string, prefix: string, depth: number): Promise<void> {
      const children = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
        a.name.localeCompare(b.name),
      );
      for (const child of children) {
        if (entries.length >= MAX_LISTING) return;
        if (child.name.startsWith(".") || LISTING_SKIP.has(child.name)) continue;
        const shown = prefix === "" ? child.name : `${prefix}/${child.name}`;
        if (child.isDirectory()) {
          entries.push(`${shown}/`);
          if (depth < 2) await walk(path.join(dir, child.name), shown, depth + 1);
        } else {
          entries.push(shown);
        }
      }
    }
    await walk(abs, rel, 1);
    const more =
      entries.length >= MAX_LISTING
        ? `\n(listing cut at ${MAX_LISTING} entries; view a subdirectory)`
        : "";
    const title = rel === "" ? "the repository root" : `${rel}/`;
    return {
      content: `Files and directories up to 2 levels deep in ${title}, hidden ones left out:\n${entries.join("\n")}${more}`,
      isError: false,
    };
  }

  async function view(command: Extract<Command, { command: "view" }>): Promise<EditorResult> {
    const target = await guard.resolve(command.path, "read");
    const info = await statOf(target.abs);
    if (!info)
      return fail(
        `${command.path} does not exist. View the directory to see which files there are.`,
      );
    if (info.isDirectory()) {
      if (command.view_range) return fail("view_range applies to files, not directories.");
      return listDirectory(target.abs, target.rel);
    }
    const content = await checkout.readFile(target.rel);
    if (content.includes("\0"))
      return fail(
        `${target.rel} is a binary file (${info.size} bytes); it cannot be viewed or edited here.`,
      );
    if (isSecretPath(target.rel, content) || (await containsSecret(content, target.rel)))
      return fail(
        `${target.rel} holds something that looks like a credential, so it is not shown. Work around it; never copy credentials.`,
      );
    const { lines } = splitLines(content);
    let first = 1;
    let last = lines.length;
    if (command.view_range) {
      const [start, end] = command.view_range;
      if (start < 1 || start > Math.max(lines.length, 1))
        return fail(`view_range start ${start} is outside the file's ${lines.length} lines.`);
      if (end !== -1 && end < start)
        return fail(
          `view_range end ${end} is before its start ${start}; use -1 for the end of the file.`,
        );
      first = start;
      last = end === -1 ? lines.length : Math.min(end, lines.length);
    }
    let shown = numbered(lines.slice(first - 1, last), first);
    if (shown.length > MAX_VIEW_CHARS) {
      const cut = shown.slice(0, MAX_VIEW_CHARS);
      const lastShown = first + cut.split("\n").length - 2;
      shown = `${cut.slice(0, cut.lastIndexOf("\n"))}\n[... cut at line ${lastShown} of ${lines.length}: view the rest with view_range ...]`;
    }
    return { content: lines.length === 0 ? `${target.rel} is empty.` : shown, isError: false };
  }

  async function create(command: Extract<Command, { command: "create" }>): Promise<EditorResult> {
    const target = await guard.resolve(command.path, "write");
    const info = await statOf(target.abs);
    if (info?.isDirectory()) return fail(`${target.rel} is a directory; give a file path.`);
    const before = info ? await checkout.readFile(target.rel) : undefined;
    const scriptChange = lifecycleScriptChange(target.rel, before, command.file_text);
    if (scriptChange) return fail(scriptChange);
    await checkout.writeFile(target.rel, command.file_text);
    const count = splitLines(command.file_text).lines.length;
    return {
      content: `${info ? "Overwrote" : "Created"} ${target.rel} (${count} lines).`,
      isError: false,
      changed: target.rel,
    };
  }

  async function readEditable(pathArg: string) {
    const target = await guard.resolve(pathArg, "write");
    const info = await statOf(target.abs);
    if (!info)
      return { error: fail(`${pathArg} does not exist. Use the create command for new files.`) };
    if (info.isDirectory())
      return { error: fail(`${target.rel} is a directory; give a file path.`) };
    const content = await checkout.readFile(target.rel);
    if (content.includes("\0"))
      return { error: fail(`${target.rel} is a binary file; it cannot be edited here.`) };
    if (isSecretPath(target.rel, content) || (await containsSecret(content, target.rel)))
      return {
        error: fail(
          `${target.rel} holds something that looks like a credential; it is not edited here.`,
        ),
      };
    return { target, content };
  }

  function snippet(content: string, fromLine: number, toLine: number): string {
    const { lines } = splitLines(content);
    const first = Math.max(1, fromLine - SNIPPET_CONTEXT);
    const last = Math.min(lines.length, toLine + SNIPPET_CONTEXT);
    return numbered(lines.slice(first - 1, last), first);
  }

  async function strReplace(
    command: Extract<Command, { command: "str_replace" }>,
  ): Promise<EditorResult> {
    const opened = await readEditable(command.path);
    if ("error" in opened) return opened.error!;
    const { target, content } = opened;
    let oldStr = command.old_str;
    let newStr = command.new_str ?? "";
    let matches = occurrenceLines(content, oldStr);
    // Files with CRLF line endings: the model writes "\n"; match and write in the file's style.
    if (matches.length === 0 && content.includes("\r\n") && !oldStr.includes("\r")) {
      oldStr = oldStr.replace(/\n/g, "\r\n");
      newStr = newStr.replace(/\r?\n/g, "\r\n");
      matches = occurrenceLines(content, oldStr);
    }
    if (matches.length === 0) {
      return fail(
        `No replacement made: old_str was not found in ${target.rel}. It must match exactly, including whitespace and indentation; view the file and copy the text.`,
      );
    }
    if (matches.length > 1) {
      return fail(
        `No replacement made: old_str occurs ${matches.length} times in ${target.rel} (lines ${matches.join(", ")}). Include more surrounding lines so it matches exactly once.`,
      );
    }
    const at = content.indexOf(oldStr);
    const updated = content.slice(0, at) + newStr + content.slice(at + oldStr.length);
    const scriptChange = lifecycleScriptChange(target.rel, content, updated);
    if (scriptChange) return fail(scriptChange);
    await checkout.writeFile(target.rel, updated);
    const startLine = lineOfOffset(updated, at);
    const endLine = startLine + Math.max(newStr.split("\n").length - 1, 0);
    return {
      content: `Edited ${target.rel}. The changed region now reads:\n${snippet(updated, startLine, endLine)}`,
      isError: false,
      changed: target.rel,
    };
  }

  async function insert(command: Extract<Command, { command: "insert" }>): Promise<EditorResult> {
    const text = command.insert_text ?? command.new_str;
    if (text === undefined) return fail("insert needs insert_text (the text to insert).");
    const opened = await readEditable(command.path);
    if ("error" in opened) return opened.error!;
    const { target, content } = opened;
    const crlf = content.includes("\r\n");
    const parsed = splitLines(crlf ? content.replace(/\r\n/g, "\n") : content);
    if (command.insert_line < 0 || command.insert_line > parsed.lines.length) {
      return fail(
        `insert_line ${command.insert_line} is outside 0..${parsed.lines.length} (${target.rel} has ${parsed.lines.length} lines; 0 inserts at the top).`,
      );
    }
    const added = text.replace(/\r?\n$/, "").split(/\r?\n/);
    parsed.lines.splice(command.insert_line, 0, ...added);
    const joined = joinLines({
      lines: parsed.lines,
      finalNewline: parsed.finalNewline || content === "",
    });
    const updated = crlf ? joined.replace(/\n/g, "\r\n") : joined;
    const scriptChange = lifecycleScriptChange(target.rel, content, updated);
    if (scriptChange) return fail(scriptChange);
    await checkout.writeFile(target.rel, updated);
    const from = command.insert_line + 1;
    return {
      content: `Inserted ${added.length} lines into ${target.rel} after line ${command.insert_line}. That region now reads:\n${snippet(joined, from, from + added.length - 1)}`,
      isError: false,
      changed: target.rel,
    };
  }

  return {
    async execute(input: unknown): Promise<EditorResult> {
      const parsed = commandSchema.safeParse(input);
      if (!parsed.success) {
        return fail(
          `Invalid editor call: ${parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ")}`,
        );
      }
      const command = parsed.data;
      logger.debug({ command: command.command, path: command.path }, "editor command");
      try {
        switch (command.command) {
          case "view":
            return await view(command);
          case "create":
            return await create(command);
          case "str_replace":
            return await strReplace(command);
          case "insert":
            return await insert(command);
          case "undo_edit":
            return fail(
              "undo_edit is not available. Use str_replace to put the earlier text back.",
            );
        }
      } catch (error) {
        if (error instanceof PathSafetyError) {
          return fail(
            `R${error.message.slice(1)}. Use paths inside the repository, relative to its root (for example src/index.ts).`,
          );
        }
        logger.warn(
          { command: command.command, path: command.path, err: (error as Error).message },
          "editor command failed",
        );
        return fail(`The ${command.command} command failed: ${(error as Error).message}`);
      }
    },
  };
}

export type Editor = ReturnType<typeof createEditor>;
