/** Runs one tool for a check through the sandboxed runner, in the check's directory. */
import type { RunCommandResult } from "../core/index.js";
import { commandPath } from "./tools.js";
import type { CheckContext } from "./types.js";

export function runTool(
  ctx: CheckContext,
  argv: string[],
  options: { network?: boolean; env?: Record<string, string> } = {},
): Promise<RunCommandResult> {
  return ctx.runner.run({
    argv,
    cwd: ctx.dir,
    timeoutMs: ctx.timeoutMs,
    network: options.network === true,
    env: { PATH: commandPath(ctx.dir), NO_COLOR: "1", FORCE_COLOR: "0", ...options.env },
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
}

/** A one-line reason for a command that did not finish normally, or undefined. */
export function abnormalEnd(result: RunCommandResult, timeoutMs: number): string | undefined {
  if (result.killed === "timeout") return `timed out after ${Math.round(timeoutMs / 1000)} s`;
  if (result.killed === "resources") return "was stopped for exceeding its resource limits";
  if (result.killed === "cancelled") return "was stopped because the run was cancelled";
  return undefined;
}

export function tail(text: string, maxChars = 4000): string {
  return text.length <= maxChars ? text : `…${text.slice(text.length - maxChars)}`;
}
