/**
 * Log lines are scanned like everything else that leaves: fields whose names say they hold a
 * credential are censored outright (as pino's redact paths do), and every string in the line
 * passes through the redactor, which catches a token inside an error message or a command's
 * output whatever the field is called.
 */
import type { Logger, Redactor } from "../core/index.js";

const CREDENTIAL_KEY =
  /^(token|apikey|api_key|authorization|password|secret|privatekey|private_key|cookie|x-api-key)$/i;
const MAX_DEPTH = 6;

function scrub(value: unknown, redact: (t: string) => string, depth: number): unknown {
  if (typeof value === "string") return redact(value);
  if (depth >= MAX_DEPTH || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    return { type: value.name, message: redact(value.message), stack: redact(value.stack ?? "") };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, redact, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      CREDENTIAL_KEY.test(k) ? "***" : scrub(v, redact, depth + 1),
    ]),
  );
}

export function withLogRedaction(logger: Logger, redactor: Redactor): Logger {
  const redact = (text: string) => redactor.redact(text);
  const level =
    (name: "debug" | "info" | "warn" | "error") =>
    (obj: object | string, msg?: string): void => {
      const first = typeof obj === "string" ? redact(obj) : (scrub(obj, redact, 0) as object);
      if (msg === undefined) logger[name](first);
      else logger[name](first, redact(msg));
    };
  return {
    debug: level("debug"),
    info: level("info"),
    warn: level("warn"),
    error: level("error"),
    child: (bindings) =>
      withLogRedaction(
        logger.child(scrub(bindings, redact, 0) as Record<string, unknown>),
        redactor,
      ),
  };
}
