/**
 * GitHub rejects a comment, PR body or check-run summary over 65,536 characters with a
 * 422, which would fail a run at its very end. Oversized text is cut in the middle, so
 * that hidden markers at the start or the end (status comment, PR state) survive.
 */
export const MAX_BODY_CHARS = 65_536;

const NOTE = "\n\n… (cut by patchsmith: GitHub limits this text to 65,536 characters) …\n\n";

export function fitBody(text: string, limit = MAX_BODY_CHARS): string {
  if (text.length <= limit) return text;
  const keep = limit - NOTE.length;
  const tail = Math.min(4_000, Math.floor(keep / 4));
  return text.slice(0, keep - tail) + NOTE + text.slice(text.length - tail);
}
