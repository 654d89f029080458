/**
 * Dependency installation, the one step that may have network. It runs when the repository names
 * an install command and its manifests differ from the last install in this process.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { CheckResult, CommandRunner } from "../core/index.js";
import { configuredCommand } from "./commands.js";
import { abnormalEnd, tail } from "./run-command.js";
import { commandPath } from "./tools.js";
import type { GateInput } from "./types.js";

const manifests = [
  "package.json",
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "requirements.txt",
  "pyproject.toml",
  "poetry.lock",
  "uv.lock",
  "Cargo.toml",
  "Cargo.lock",
  "go.mod",
  "go.sum",
  "pom.xml",
];
const installedFor = new Map<string, string>();

async function manifestHash(dir: string): Promise<string> {
  const hash = createHash("sha1");
  for (const file of manifests)
    hash
      .update(file)
      .update((await readFile(path.join(dir, file)).catch(() => "")) as Buffer | string);
  return hash.digest("hex");
}

export async function installIfNeeded(
  input: GateInput,
  runner: CommandRunner,
  timeoutMs: number,
): Promise<CheckResult | undefined> {
  const command = configuredCommand("install", input.settings, input.profile);
  if (!command) return undefined;
  const hash = await manifestHash(input.dir);
  if (installedFor.get(input.dir) === hash) return undefined;
  const result = await runner.run({
    argv: command.argv,
    cwd: input.dir,
    timeoutMs,
    network: input.settings.gate.installNetwork,
    env: { PATH: commandPath(input.dir), NO_COLOR: "1" },
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const ended = abnormalEnd(result, timeoutMs);
  const ok = result.exitCode === 0 && !ended;
  if (ok) installedFor.set(input.dir, hash);
  const network = input.settings.gate.installNetwork ? "with network" : "without network";
  return {
    name: "install",
    status: ok ? "pass" : "fail",
    durationMs: result.durationMs,
    blocking: !ok,
    summary: ok
      ? `\`${command.name}\` (${network})`
      : `\`${command.name}\` ${ended ?? `failed (exit ${result.exitCode})`} (${network})`,
    output: tail(result.output),
    findings: ok
      ? []
      : [
          {
            check: "install",
            message: `dependency installation failed: ${tail(result.output, 600)}`,
            preExisting: false,
            severity: "error",
          },
        ],
  };
}
