/**
 * What counts as a secret, in one place: files that hold credentials by their name (kept out of
 * the context pack and refused by the file tool), and a redactor for text that leaves the
 * machine (model requests, GitHub comments and bodies, log lines). The redactor knows the
 * shapes of common credentials and, on top, exact values registered at run time: the worker's
 * own keys, every token it mints, and the values found in the repository's secret files.
 */
import path from "node:path";
import { lintSource } from "@secretlint/core";
import { creator as recommended } from "@secretlint/secretlint-rule-preset-recommend";
import { redactSecrets } from "./sanitize.js";

const SECRET_BASENAMES = [
  /^\.env$/i,
  /^\.env\.(?!example$|sample$|template$|dist$|defaults$)[\w.-]+$/i,
  /\.env$/i,
  /\.(pem|key|p12|pfx|jks|keystore|kdbx|asc|gpg|ppk)$/i,
  /^id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/i,
  /^\.(netrc|pgpass|git-credentials|pypirc|htpasswd)$/i,
  /^credentials(\.json)?$/i,
  /^secrets?\.(json|ya?ml|toml)$/i,
];

/** .npmrc and .yarnrc are configuration; they count as secret only when they carry a token. */
const TOKEN_CONFIG = /^\.(npmrc|yarnrc(\.yml)?)$/i;
const CONFIG_TOKEN = /(_authToken|_auth|_password|npmAuthToken|npmAuthIdent)\s*[=:]/;

/** True for a path whose name says it holds credentials (its content may make .npmrc one). */
export function isSecretPath(file: string, content?: string): boolean {
  const base = path.posix.basename(file.replace(/\\/g, "/"));
  if (base.toLowerCase() === ".env.example") return false;
  if (SECRET_BASENAMES.some((pattern) => pattern.test(base))) return true;
  if (TOKEN_CONFIG.test(base)) return content === undefined || CONFIG_TOKEN.test(content);
  return false;
}

/** Content that holds a credential whatever the file is called. */
export function hasSecretContent(content: string): boolean {
  return redactSecrets(content) !== content || CONFIG_TOKEN.test(content);
}

const SECRETLINT_CONFIG = {
  rules: [
    {
      id: "@secretlint/secretlint-rule-preset-recommend",
      rule: recommended,
      // Access key IDs alone are off by default upstream; a committed key ID is reason enough to stop.
      rules: [{ id: "@secretlint/secretlint-rule-aws", options: { enableIDScanRule: true } }],
    },
  ],
};
const SECRETLINT_MAX_CHARS = 2 * 1024 * 1024;

export interface SecretFinding {
  line: number;
  message: string;
  ruleId: string;
}

/**
 * secretlint's recommended rules over one text: the single place they are configured, used
 * by the gate's secrets check, the context pack and the file tool alike.
 */
export async function secretlintFindings(
  content: string,
  file = "file.txt",
): Promise<SecretFinding[]> {
  if (content.length > SECRETLINT_MAX_CHARS) return [];
  const result = await lintSource({
    source: { filePath: path.resolve("/", file), content, contentType: "text" },
    options: { config: SECRETLINT_CONFIG, maskSecrets: true },
  });
  return result.messages.map((m) => ({
    line: m.loc.start.line,
    message: m.message,
    ruleId: m.ruleId,
  }));
}

/**
 * True when the content holds a credential: our own shapes first (cheap), then secretlint's
 * recommended rules, the same the gate's secrets check uses on added lines.
 */
export async function containsSecret(content: string, file = "file.txt"): Promise<boolean> {
  if (hasSecretContent(content)) return true;
  return (await secretlintFindings(content, file)).length > 0;
}

export interface Redactor {
  /** Registers exact values to remove from now on (short or plain values are ignored). */
  add(values: Iterable<string | undefined>): void;
  /** The text with every known value and every credential-shaped string replaced. */
  redact(text: string): string;
  /** True when the text holds a registered value or a credential-shaped string. */
  contains(text: string): boolean;
}

const MIN_KNOWN_LENGTH = 8;
const MAX_KNOWN = 10_000;

export function createRedactor(initial: Iterable<string | undefined> = []): Redactor {
  // Longest first, so that a value containing another is removed whole.
  let known: string[] = [];
  const add = (values: Iterable<string | undefined>) => {
    const next = new Set(known);
    for (const value of values) {
      const v = value?.trim();
      if (!v || v.length < MIN_KNOWN_LENGTH) continue;
      next.add(v);
      // A multi-line secret (a private key) also leaks line by line.
      for (const line of v.split(/\r?\n/)) if (line.trim().length >= 20) next.add(line.trim());
    }
    known = [...next].sort((a, b) => b.length - a.length).slice(0, MAX_KNOWN);
  };
  add(initial);
  const redact = (text: string) => {
    let out = text;
    for (const value of known) if (out.includes(value)) out = out.split(value).join("[redacted]");
    return redactSecrets(out);
  };
  return { add, redact, contains: (text) => redact(text) !== text };
}

/**
 * Values in a secret file worth registering: assignments in .env-style files and tokens in
 * .npmrc, whole key files and their lines. Only values that look random are kept, so that
 * `NODE_ENV=development` does not turn every "development" into [redacted].
 */
export function secretValuesIn(file: string, content: string): string[] {
  const values: string[] = [];
  if (
    /-----BEGIN [A-Z ]*-----/.test(content) ||
    /\.(pem|key|ppk|asc)$|^id_/i.test(path.posix.basename(file))
  ) {
    values.push(content.trim());
  }
  for (const line of content.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?[\w./:@-]+\s*[=:]\s*(.+?)\s*$/.exec(line);
    if (!match) continue;
    const value = match[1]!.replace(/^["']|["']$/g, "");
    if (looksRandom(value)) values.push(value);
  }
  return values;
}

function looksRandom(value: string): boolean {
  if (value.length < 12 || /\s/.test(value)) return false;
  if (!/[A-Za-z]/.test(value) || !/\d/.test(value)) return false;
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy >= 3;
}
