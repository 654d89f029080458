/**
 * Token counts are estimates: no tokenizer ships for Claude, and an exact count for one model is
 * wrong for the next. Code and English run ~3.5-4 characters a token on current models, so
 * characters / 3.5 (rounded up) errs on the side of fitting the budget.
 */
export const CHARS_PER_TOKEN = 3.5;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** The most characters that still estimate at `tokens` or fewer. */
export function charsForTokens(tokens: number): number {
  return Math.max(0, Math.floor(tokens * CHARS_PER_TOKEN));
}
