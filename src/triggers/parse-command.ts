/**
 * Finds a patchsmith command in a comment. A command stands at the start of a line
 * (leading spaces allowed), anywhere in the comment; the first one wins. Lines quoted
 * with `>` and lines inside fenced code blocks are skipped, because replies often quote
 * an earlier `/generate` and that must not start a second run.
 */
import { MODES, type Mode } from "../core/index.js";

export type Command =
  | { name: "generate"; mode: Mode; instructions?: string }
  | { name: "approve" }
  | { name: "cancel" }
  | { name: "plan"; instructions?: string }
  | { name: "retry" }
  | { name: "undo" }
  | { name: "help" }
  /** A `/word` at the start of a line that is none of ours: answered with the list. */
  | { name: "unknown"; word: string };

export const COMMAND_NAMES = [
  "generate",
  "plan",
  "approve",
  "cancel",
  "retry",
  "undo",
  "help",
] as const;

// A path such as `/usr/bin` is not a command: the word must end at a space or the line's end.
const COMMAND_LINE = /^\s*\/([a-z][a-z0-9-]*)(?=\s|$)(.*)$/i;
const FENCE = /^\s*(```|~~~)/;

export function parseCommand(body: string | null | undefined): Command | undefined {
  if (!body) return undefined;
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (FENCE.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence || /^\s*>/.test(line)) continue;
    const match = COMMAND_LINE.exec(line);
    if (!match) continue;
    const name = match[1]!.toLowerCase();
    const rest = [match[2] ?? "", ...lines.slice(i + 1)].join("\n");
    if (name === "generate") return parseGenerate(rest);
    if (name === "plan") {
      const instructions = rest.trim();
      return instructions ? { name: "plan", instructions } : { name: "plan" };
    }
    if (name === "approve" || name === "cancel" || name === "retry" || name === "undo") {
      return { name };
    }
    if (name === "help") return { name: "help" };
    return { name: "unknown", word: name };
  }
  return undefined;
}

/** `rest` is what follows `/generate` on its line, plus the lines after it. */
function parseGenerate(rest: string): Command {
  const text = rest.trim();
  const first = /^(\S+)(?:\s+|$)/.exec(text);
  const candidate = first?.[1]?.toLowerCase();
  const mode = MODES.find((m) => m === candidate);
  const instructions = (mode ? text.slice(first![0].length) : text).trim();
  return instructions
    ? { name: "generate", mode: mode ?? "implement", instructions }
    : { name: "generate", mode: mode ?? "implement" };
}
