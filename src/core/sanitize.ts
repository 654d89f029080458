/**
 * Issue and comment text is hostile input. Before it reaches a model: drop what a reader
 * of the issue on GitHub cannot see (HTML comments, hidden elements, zero-width and
 * bidirectional control characters, image alt text and link titles), and cap the length.
 */

const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]/g;

export function sanitizeUserText(text: string, maxChars = 30_000): string {
  let out = text.replace(/\r\n?/g, "\n");
  out = out.replace(/<!--[\s\S]*?(-->|$)/g, "");
  out = out.replace(
    /<([a-z][\w-]*)\b[^>]*\b(hidden|style\s*=\s*["'][^"']*display\s*:\s*none)[^>]*>[\s\S]*?<\/\1>/gi,
    "",
  );
  out = out.replace(INVISIBLE, "");
  // ![alt](src "title") -> ![](src): alt text and titles are not shown prominently.
  out = out.replace(/!\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, "![]($1)");
  out = out.replace(/<img\b[^>]*>/gi, "[image]");
  out = out.replace(/\n{4,}/g, "\n\n\n");
  if (out.length > maxChars) out = `${out.slice(0, maxChars)}\n[... truncated ...]`;
  return out.trim();
}

/** Redacts strings that look like credentials from anything that leaves the machine. */
export function redactSecrets(text: string): string {
  return text
    .replace(/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, "[redacted]")
    .replace(/\bgithub_pat_[A-Za-z0-9_]{20,}\b/g, "[redacted]")
    .replace(/\bsk-ant-[A-Za-z0-9_-]{10,}\b/g, "[redacted]")
    .replace(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, "[redacted]")
    .replace(
      /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
      "[redacted private key]",
    );
}
