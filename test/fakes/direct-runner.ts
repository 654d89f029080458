/** An unsandboxed CommandRunner for tests that need one but do not test the sandbox. */
import { spawnSync } from "node:child_process";
import type { CommandRunner } from "../../src/core/index.js";

export const directRunner: CommandRunner = {
  async run(input) {
    const started = Date.now();
    const result = spawnSync(input.argv[0]!, input.argv.slice(1), {
      cwd: input.cwd,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...input.env },
      encoding: "utf8",
      timeout: input.timeoutMs ?? 60_000,
    });
    return {
      exitCode: result.status,
      signal: result.signal,
      durationMs: Date.now() - started,
      output: `${result.stdout ?? ""}${result.stderr ?? ""}`,
      truncated: false,
      killed: result.error && /ETIMEDOUT/.test(String(result.error)) ? "timeout" : null,
      sandboxed: false,
    };
  },
};
