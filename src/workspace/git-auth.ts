/**
 * The installation token reaches git only through the environment of the one git
 * process that needs it (GIT_CONFIG_* variables, git >= 2.31): never argv, never
 * .git/config, never the workspace, never a log line.
 */
export function gitAuthEnv(token: string | undefined): Record<string, string> {
  const base: Record<string, string> = { GIT_TERMINAL_PROMPT: "0" };
  if (!token) return base;
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return {
    ...base,
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "http.extraHeader",
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
  };
}

/** Removes anything token-like from text that may end up in a log or a comment. */
export function redactToken(text: string, token: string | undefined): string {
  let out = text.replace(
    /(Authorization:\s*)(Basic|Bearer|token)\s+[A-Za-z0-9+/=._-]+/gi,
    "$1$2 ***",
  );
  out = out
    .replace(/gh[pousr]_[A-Za-z0-9]{20,}/g, "***")
    .replace(/x-access-token:[^@\s]+@/g, "x-access-token:***@");
  if (token) out = out.split(token).join("***");
  return out;
}
