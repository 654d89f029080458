/**
 * A file within a character cap: whole when it fits, else windows around the lines that mention
 * what the issue mentions (identifiers weigh more than plain words), always with line numbers.
 */
import type { SymbolDef } from "./symbols/index.js";

export interface IssueTerms {
  /** Lowercased term -> weight. */
  weights: Map<string, number>;
}

export interface Excerpt {
  content: string;
  partial: boolean;
}

const STOPWORDS = new Set(
  (
    "the and for that this with from have has had not but are was were been being when what which who how why " +
    "where there their them then than into onto over under about after before also just only some any all can " +
    "could should would will shall may might must does did doing done make makes made use used using get gets " +
    "set sets new old one two true false null undefined none value values type types file files code line lines " +
    "error errors issue bug fix fixed work works working expected actual result results return returns like see " +
    "example examples case cases test tests thing things way want need needs still even because however here its " +
    "it's i'm doesn't don't isn't can't won't should've you your our we they she him her his let var const"
  ).split(" "),
);
const IDENTIFIER = /[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/g;
const MAX_LINE_CHARS = 400;
const WINDOW_BEFORE = 3;
const WINDOW_AFTER = 10;
const HEAD_LINES = 12;
/** Each candidate window re-renders the excerpt, so the candidates are capped. */
const MAX_WINDOWS = 200;

function looksLikeIdentifier(word: string): boolean {
  return /[a-z][A-Z]|_|\d|\.|^[A-Z]{2,}/.test(word) && word.length >= 3;
}

export function issueTerms(text: string): IssueTerms {
  const weights = new Map<string, number>();
  const add = (term: string, weight: number) => {
    const key = term.toLowerCase();
    if (key.length < 3 || STOPWORDS.has(key)) return;
    weights.set(key, Math.max(weights.get(key) ?? 0, weight));
  };
  for (const span of text.matchAll(/`([^`\n]+)`/g)) {
    for (const match of span[1]!.matchAll(IDENTIFIER)) add(match[0], 4);
  }
  for (const match of text.matchAll(IDENTIFIER)) {
    const word = match[0];
    add(word, looksLikeIdentifier(word) ? 3 : 1);
    if (word.includes("."))
      for (const part of word.split(".")) add(part, looksLikeIdentifier(part) ? 3 : 1);
  }
  return { weights };
}

function lineScore(line: string, terms: IssueTerms): number {
  if (terms.weights.size === 0) return 0;
  let score = 0;
  const seen = new Set<string>();
  for (const match of line.matchAll(IDENTIFIER)) {
    for (const word of [match[0], ...match[0].split(".")]) {
      const key = word.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      score += terms.weights.get(key) ?? 0;
    }
  }
  return score;
}

function numbered(lines: string[], start: number, end: number, width: number): string {
  const out: string[] = [];
  for (let i = start; i <= end; i++) {
    const text = lines[i]!;
    const shown = text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}…` : text;
    out.push(`${String(i + 1).padStart(width)} | ${shown}`);
  }
  return out.join("\n");
}

export function excerpt(
  content: string,
  definitions: SymbolDef[],
  terms: IssueTerms,
  maxChars: number,
): Excerpt | undefined {
  const lines = content.replace(/\r?\n$/, "").split(/\r?\n/);
  const width = String(lines.length).length;
  const whole = numbered(lines, 0, lines.length - 1, width);
  if (whole.length <= maxChars) return { content: whole, partial: false };

  const scores = lines.map((line) => lineScore(line, terms));
  for (const def of definitions) {
    const index = def.line - 1;
    if (index >= 0 && index < lines.length && (terms.weights.get(def.name.toLowerCase()) ?? 0) > 0)
      scores[index]! += 5;
  }
  const centers = scores
    .map((score, index) => ({ score, index }))
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, MAX_WINDOWS);

  // Windows are taken best first and kept when the merged set still fits.
  const chosen: { start: number; end: number }[] = [
    { start: 0, end: Math.min(HEAD_LINES, lines.length) - 1 },
  ];
  const render = (windows: { start: number; end: number }[]) =>
    merge(windows)
      .map((w) => numbered(lines, w.start, w.end, width))
      .join(`\n${" ".repeat(width)} ⋮\n`);
  let current = render(chosen);
  if (current.length > maxChars) {
    // Not even the head fits: as many leading lines as do.
    const head: string[] = [];
    let used = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = numbered(lines, i, i, width);
      if (used + line.length + 1 > maxChars) break;
      head.push(line);
      used += line.length + 1;
    }
    return head.length > 0 ? { content: head.join("\n"), partial: true } : undefined;
  }
  for (const center of centers) {
    const window = {
      start: Math.max(0, center.index - WINDOW_BEFORE),
      end: Math.min(lines.length - 1, center.index + WINDOW_AFTER),
    };
    if (chosen.some((w) => w.start <= center.index && center.index <= w.end)) continue;
    const candidate = render([...chosen, window]);
    if (candidate.length > maxChars) continue;
    chosen.push(window);
    current = candidate;
  }
  return { content: current, partial: true };
}

function merge(windows: { start: number; end: number }[]): { start: number; end: number }[] {
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const window of sorted) {
    const last = merged[merged.length - 1];
    if (last && window.start <= last.end + 2) last.end = Math.max(last.end, window.end);
    else merged.push({ ...window });
  }
  return merged;
}
