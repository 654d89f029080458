/** Line arithmetic shared by the editor commands: 1-based lines, the final newline kept apart. */

export interface Lines {
  lines: string[];
  finalNewline: boolean;
}

export function splitLines(content: string): Lines {
  if (content === "") return { lines: [], finalNewline: false };
  const finalNewline = content.endsWith("\n");
  return { lines: (finalNewline ? content.slice(0, -1) : content).split("\n"), finalNewline };
}

export function joinLines({ lines, finalNewline }: Lines): string {
  return lines.join("\n") + (finalNewline && lines.length > 0 ? "\n" : "");
}

/** `cat -n` style, which is what Anthropic's editor tool results look like. */
export function numbered(lines: string[], firstLine: number): string {
  return lines.map((line, i) => `${String(firstLine + i).padStart(6)}\t${line}`).join("\n");
}

/** 1-based line numbers where `needle` starts, for each occurrence. */
export function occurrenceLines(haystack: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    found.push(haystack.slice(0, at).split("\n").length);
  }
  return found;
}

export function lineOfOffset(content: string, offset: number): number {
  return content.slice(0, offset).split("\n").length;
}
