/**
 * The one way to run a command taken from a repository. The sandboxed runner in
 * workspace/ implements it; nothing else spawns repository code.
 */

export interface RunCommandInput {
  argv: string[];
  /** Working directory; must be inside the workspace. */
  cwd: string;
  /** The only environment the command sees, on top of a minimal PATH/HOME/LANG. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Network is off unless asked for (dependency installation only). */
  network?: boolean;
  /** Maximum bytes of output kept (head and tail). */
  outputLimitBytes?: number;
  stdin?: string;
  /** Aborting kills the command's whole process group (`/cancel`); the result says "cancelled". */
  signal?: AbortSignal;
}

export interface RunCommandResult {
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** stdout and stderr interleaved, capped. */
  output: string;
  truncated: boolean;
  killed: "timeout" | "resources" | "cancelled" | null;
  sandboxed: boolean;
}

export interface CommandRunner {
  run(input: RunCommandInput): Promise<RunCommandResult>;
}
