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
  | { name: "cancel" };

const COMMAND_LINE = /^\s*\/(generate|approve|cancel)(?=\s|$)(.*)$/i;
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
    if (name === "approve") return { name: "approve" };
    if (name === "cancel") return { name: "cancel" };
    return parseGenerate([match[2] ?? "", ...lines.slice(i + 1)].join("\n"));
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
