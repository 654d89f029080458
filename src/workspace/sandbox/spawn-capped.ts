/**
 * Spawns one command in its own process group, captures stdout and stderr interleaved within a
 * byte cap, and kills the whole group at the wall-clock timeout (and when the leader exits, so
 * nothing it left in the background outlives it).
 */
import { spawn } from "node:child_process";
import { HeadTailBuffer } from "./output-buffer.js";

export interface SpawnCappedInput {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  outputLimitBytes: number;
  stdin?: string;
  /** Aborting kills the whole process group, like the timeout. */
  signal?: AbortSignal;
}

export interface SpawnCappedResult {
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  output: string;
  truncated: boolean;
  timedOut: boolean;
  cancelled: boolean;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group is already gone
  }
}

export function spawnCapped(input: SpawnCappedInput): Promise<SpawnCappedResult> {
  const started = performance.now();
  const buffer = new HeadTailBuffer(input.outputLimitBytes);
  const [program, ...args] = input.argv;
  if (program === undefined) throw new Error("spawnCapped: empty argv");
  return new Promise((resolve) => {
    let timedOut = false;
    let cancelled = false;
    let settled = false;
    const child = spawn(program, args, {
      cwd: input.cwd,
      env: input.env,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, input.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      killGroup(child.pid);
    };
    if (input.signal?.aborted) onAbort();
    else input.signal?.addEventListener("abort", onAbort, { once: true });
    const finish = (exitCode: number | null, signal: string | null, extra?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      input.signal?.removeEventListener("abort", onAbort);
      if (extra) buffer.push(Buffer.from(extra));
      resolve({
        exitCode,
        signal,
        durationMs: Math.round(performance.now() - started),
        output: buffer.toString(),
        truncated: buffer.truncated,
        timedOut,
        cancelled,
      });
    };
    child.stdout.on("data", (chunk: Buffer) => buffer.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => buffer.push(chunk));
    child.stdin.on("error", () => {
      // the command may exit without reading its input
    });
    child.stdin.end(input.stdin ?? "");
    child.on("error", (error) =>
      finish(null, null, `failed to start ${program}: ${error.message}\n`),
    );
    let exit: { code: number | null; signal: string | null } | undefined;
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      killGroup(child.pid);
      // A process that left the group (setsid) may still hold the pipes open; do not wait for it.
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, signal);
      }, 2000).unref();
    });
    child.on("close", (code, signal) => {
      finish(exit?.code ?? code, exit?.signal ?? signal);
    });
  });
}
