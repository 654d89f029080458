/**
 * Issue and comment text is hostile input: anyone can write it, and a maintainer reviewing it
 * on GitHub does not see everything the model would. Remove what GitHub hides from readers
 * (HTML comments, invisible and bidi-control characters, Unicode tag characters, image alt text
 * and link titles, hidden attributes) before the text reaches a prompt.
 */

import { createHash } from "node:crypto";

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;

// Zero-width and word-joiner characters, BOM, Mongolian vowel separator, soft hyphen.
const INVISIBLE = /[\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF]/g;
// Bidi embeddings, overrides, isolates and marks: they reorder what a reader sees.
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
// Unicode tag characters (invisible ASCII copies) and variation selectors past the emoji range.
// eslint-disable-next-line no-misleading-character-class -- the range itself is what we remove
const SMUGGLING = /[\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]/gu;
// C0 and C1 controls except tab, newline and carriage return.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

// Numeric entities that decode to any of the above, written out to dodge the filters.
const ENTITY = /&#(x[0-9a-f]+|\d+);/gi;

const MARKDOWN_IMAGE = /!\[[^\]]*\]\(/g;
const LINK_TITLE = /(\]\(\s*<?[^\s)>]+>?)\s+(?:"[^"]*"|'[^']*'|\([^)]*\))\s*\)/g;
const HIDDEN_ATTRIBUTES =
  /\s(?:alt|title|aria-label|aria-description|data-[\w-]+)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi;

function isHiddenCodePoint(codePoint: number): boolean {
  const char = String.fromCodePoint(codePoint);
  return [INVISIBLE, BIDI, SMUGGLING, CONTROL].some((pattern) => {
    pattern.lastIndex = 0;
    return pattern.test(char);
  });
}

function dropHiddenEntities(text: string): string {
  return text.replace(ENTITY, (entity, value: string) => {
    const codePoint =
      value[0] === "x" || value[0] === "X" ? parseInt(value.slice(1), 16) : parseInt(value, 10);
    if (!Number.isFinite(codePoint) || codePoint > 0x10ffff) return "";
    return isHiddenCodePoint(codePoint) ? "" : entity;
  });
}

function stripHiddenAttributes(text: string): string {
  return text.replace(/<[a-z][^>]*>/gi, (tag) => tag.replace(HIDDEN_ATTRIBUTES, ""));
}

// Elements a reader never sees: <div hidden>, <span style="display:none">, <details> stays (it opens).
const HIDDEN_ELEMENT =
  /<([a-z][\w-]*)\b(?=[^>]*(?:\shidden(?=[\s>=/])|\sstyle\s*=\s*["'][^"']*display\s*:\s*none))[^>]*>[\s\S]*?<\/\1\s*>/gi;

// aria-hidden elements are hidden from screen readers and, on GitHub, styled away from readers too.
const ARIA_HIDDEN_ELEMENT =
  /<([a-z][\w-]*)\b(?=[^>]*\saria-hidden\s*=\s*["']?true)[^>]*>[\s\S]*?<\/\1\s*>/gi;
// `[//]: # (note)` and any other link reference definition: never rendered.
const LINK_DEFINITION =
  /^ {0,3}\[[^\]\n]+\]:[ \t]*\S+(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$/gm;
// A link with no visible text: `[](https://x "text that only the model would read")`.
const EMPTY_LINK = /(?<!!)\[\s*\]\([^)]*\)/g;
// Self-closing or void tags of elements that show nothing but can carry text in attributes.
const INVISIBLE_TAGS = /<(meta|link|input|param|source|track)\b[^>]*>/gi;
/**
 * The tags our prompts use to fence untrusted text: written inside that text they could close
 * the fence early, so they are defanged (shown as ‹tag›).
 */
const PROMPT_FENCE =
  /<(\/?)(issue|comment|maintainer-instructions|plan|repository-context|feedback|current-diff|untrusted[\w-]*|system)\b([^>]*)>/gi;

export function neutralizePromptFences(text: string): string {
  return text.replace(
    PROMPT_FENCE,
    (_m, slash: string, name: string, rest: string) => `‹${slash}${name}${rest}›`,
  );
}

export function sanitizeUserText(text: string, maxChars = 30_000): string {
  let out = text.normalize("NFC").replace(/\r\n?/g, "\n");
  out = out.replace(HTML_COMMENT, "");
  out = out.replace(ARIA_HIDDEN_ELEMENT, "");
  out = out.replace(LINK_DEFINITION, "");
  out = out.replace(EMPTY_LINK, "");
  out = out.replace(INVISIBLE_TAGS, "");
  out = dropHiddenEntities(out);
  out = out.replace(INVISIBLE, "").replace(BIDI, "").replace(SMUGGLING, "").replace(CONTROL, "");
  out = out.replace(HIDDEN_ELEMENT, "");
  out = out.replace(MARKDOWN_IMAGE, "![image](");
  out = out.replace(LINK_TITLE, "$1)");
  out = stripHiddenAttributes(out);
  out = neutralizePromptFences(out);
  out = out.replace(/\n{3,}/g, "\n\n").trim();
  return out.length > maxChars ? `${out.slice(0, maxChars)}\n[... truncated ...]` : out;
}

/** Redacts strings that look like credentials from anything that leaves the machine. */
export function redactSecrets(text: string): string {
  return text
    .replace(/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, "[redacted]")
    .replace(/\bgithub_pat_[A-Za-z0-9_]{20,}\b/g, "[redacted]")
    .replace(/\bsk-ant-[A-Za-z0-9_-]{10,}\b/g, "[redacted]")
    .replace(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, "[redacted]")
    .replace(/\bv1\.[0-9a-f]{40}\b/g, "[redacted]")
    .replace(/\bnpm_[A-Za-z0-9]{36}\b/g, "[redacted]")
    .replace(/\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g, "[redacted]")
    .replace(/\bAIza[0-9A-Za-z_-]{35}\b/g, "[redacted]")
    .replace(/\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}\b/g, "[redacted]")
    .replace(/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+/g, "[redacted]")
    .replace(
      /(authorization\s*[:=]\s*(?:basic|bearer|token)\s+)[A-Za-z0-9+/=._~-]{8,}/gi,
      "$1[redacted]",
    )
    .replace(/(\bhttps?:\/\/[^/\s:@]+:)[^@\s/]+@/gi, "$1[redacted]@")
    .replace(
      /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
      "[redacted private key]",
    );
}

/**
 * The digest of an issue body as a maintainer approved it (line endings normalized): the
 * worker refuses to work on a body that changed since.
 */
export function issueBodyDigest(body: string): string {
  return createHash("sha256").update(body.replace(/\r\n?/g, "\n")).digest("hex");
}
