/**
 * Install-time scripts (preinstall, install, postinstall, prepare, ...) run during dependency
 * installation, the one gate step that may have network. A change that adds or edits one is
 * the classic way to turn prompt injection into exfiltration, so the edit tool refuses it; a
 * maintainer who wants one writes it themselves.
 */
import path from "node:path";

const LIFECYCLE = [
  "preinstall",
  "install",
  "postinstall",
  "prepublish",
  "preprepare",
  "prepare",
  "postprepare",
  "prepack",
  "postpack",
  "dependencies",
];

function lifecycleScripts(content: string | undefined): string {
  if (content === undefined) return "{}";
  try {
    const scripts = (JSON.parse(content) as { scripts?: Record<string, unknown> }).scripts ?? {};
    return JSON.stringify(LIFECYCLE.map((name) => [name, scripts[name] ?? null]));
  } catch {
    // Unparseable JSON: compare the raw text of any lifecycle key instead.
    return JSON.stringify(
      LIFECYCLE.map((name) => new RegExp(`"${name}"\\s*:\\s*"[^"]*"`).exec(content)?.[0] ?? null),
    );
  }
}

/** A reason to refuse the edit, or undefined when it leaves install-time scripts alone. */
export function lifecycleScriptChange(
  file: string,
  before: string | undefined,
  after: string,
): string | undefined {
  if (path.posix.basename(file) !== "package.json") return undefined;
  const was =
    before === undefined ? JSON.stringify(LIFECYCLE.map(() => null)) : lifecycleScripts(before);
  if (lifecycleScripts(after) === was) return undefined;
  return `No change made: the edit adds or changes an install-time script (${LIFECYCLE.slice(0, 6).join(", ")}, ...) in ${file}. Those run with network access during installation, so patchsmith never writes them; say in your summary what a maintainer should add.`;
}
