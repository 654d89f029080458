/**
 * The CommandRunner every repository command goes through: bubblewrap where it works, rlimits
 * and a wall-clock timeout always, output capped, and an environment that never carries
 * patchsmith's own credentials.
 */
import { existsSync } from "node:fs";
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { CommandRunner, Logger, RunCommandInput, RunCommandResult } from "../../core/index.js";
import { PathSafetyError, PatchsmithError, silentLogger } from "../../core/index.js";
import { bwrapArgv, credentialPaths } from "./bwrap-args.js";
import { findProgram, probeBwrap, type BwrapProbe } from "./detect.js";
import { resolveLimits, rlimitPrefix, type SandboxLimits } from "./limits.js";
import { createCommandCgroup, type CommandCgroup } from "./command-cgroup.js";
import { tasksOfUser } from "./process-count.js";
import { spawnCapped } from "./spawn-capped.js";

export type SandboxMode = "auto" | "required" | "off";

export interface SandboxRunnerOptions {
  /** The workspace: the only directory commands may write. */
  root: string;
  mode: SandboxMode;
  logger?: Logger;
  limits?: Partial<SandboxLimits>;
  /** Paths below /tmp that commands must still read (the private /tmp hides them otherwise). */
  extraReadOnlyPaths?: string[];
  /** Files to hide from commands (patchsmith's private key, say); its own .env always is. */
  hiddenFiles?: string[];
  /** Where bwrap lives, when not in a system directory. */
  bwrapPath?: string;
}

const PATCHSMITH_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SIGXCPU_EXIT = 128 + 24;
const SIGXFSZ_EXIT = 128 + 25;
const warned = new Set<string>();
const forkFailed =
  /Cannot fork|fork: retry|fork: Resource temporarily unavailable|spawn EAGAIN|Resource temporarily unavailable/;

function warnOnce(logger: Logger, key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  logger.warn({ sandbox: key }, message);
}

export function defaultPath(): string {
  const dirs = [
    path.dirname(process.execPath),
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
  ];
  return [...new Set(dirs)].join(":");
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

export function createSandboxRunner(options: SandboxRunnerOptions): CommandRunner {
  const root = path.resolve(options.root);
  const logger = options.logger ?? silentLogger;
  const limits = resolveLimits(options.limits);
  const prlimitPath = findProgram("prlimit");
  const uid = typeof process.getuid === "function" ? process.getuid() : undefined;

  async function useBwrap(): Promise<BwrapProbe | undefined> {
    if (options.mode === "off") return undefined;
    const probe = await probeBwrap(options.bwrapPath ?? findProgram("bwrap"));
    if (probe.path) {
      if (!probe.hardened) {
        warnOnce(
          logger,
          "bwrap-not-hardened",
          "bubblewrap is older than 0.8 or cannot drop capabilities here: sandboxed commands keep their capabilities inside the sandbox. Upgrade bubblewrap.",
        );
      }
      return probe;
    }
    if (options.mode === "required") {
      throw new PatchsmithError(`sandbox required but unavailable: ${probe.reason}`, {
        userMessage:
          "The sandbox is required (SANDBOX=required) but bubblewrap cannot run on this machine. Install it (`apt-get install bubblewrap`) and allow user namespaces, or set SANDBOX=auto to run repository commands with resource limits only.",
      });
    }
    warnOnce(
      logger,
      "no-bwrap",
      `No sandbox: ${probe.reason}. Repository commands run with resource limits and timeouts only, and can read and write this machine's files and reach the network. Install bubblewrap (apt-get install bubblewrap), or set SANDBOX=required to refuse to run without it.`,
    );
    return undefined;
  }

  async function processControl(): Promise<{ nproc?: number; cgroup?: CommandCgroup }> {
    const nproc = uid !== undefined && uid !== 0 ? tasksOfUser(uid) + limits.processes : undefined;
    const cgroup = await createCommandCgroup({
      processes: limits.processes,
      memoryBytes: limits.memoryBytes,
    });
    if (!cgroup && uid === 0) {
      warnOnce(
        logger,
        "no-cgroup",
        "Running as root without a writable cgroup: the process limit cannot be enforced (RLIMIT_NPROC does not apply to root) and memory is capped per process only. Run patchsmith as an unprivileged user, or give it a writable cgroup.",
      );
    }
    return { ...(nproc === undefined ? {} : { nproc }), ...(cgroup ? { cgroup } : {}) };
  }

  return {
    async run(input: RunCommandInput): Promise<RunCommandResult> {
      const cwd = path.resolve(root, input.cwd);
      if (!isInside(root, cwd))
        throw new PathSafetyError(
          input.cwd,
          `the command's directory is outside the workspace ${root}`,
        );
      if (input.argv.length === 0) throw new PatchsmithError("run: empty argv");
      const bwrap = await useBwrap();
      const scratch = bwrap ? undefined : await mkdtemp(path.join(os.tmpdir(), "patchsmith-run-"));
      const home = bwrap ? "/tmp/home" : path.join(scratch!, "home");
      const tmp = bwrap ? "/tmp" : path.join(scratch!, "tmp");
      if (scratch) {
        await mkdir(home);
        await mkdir(tmp);
      }
      const env: Record<string, string> = {
        PATH: defaultPath(),
        HOME: home,
        TMPDIR: tmp,
        LANG: "C.UTF-8",
        CI: "true",
        npm_config_cache: path.join(tmp, ".npm"),
        npm_config_update_notifier: "false",
        ...input.env,
      };
      const control = await processControl();
      let argv = input.argv;
      if (bwrap) {
        const masks = credentialPaths(os.homedir());
        const exists = (p: string) => existsSync(p) && !isInside(p, root);
        argv = bwrapArgv(
          {
            bwrapPath: bwrap.path!,
            hardened: bwrap.hardened === true,
            root,
            cwd,
            env,
            network: input.network === true,
            // patchsmith's own tools (the built-in eslint, prettier) stay readable even when
            // patchsmith is installed below /tmp, which the private /tmp would hide.
            readOnlyPaths: [PATCHSMITH_ROOT, ...(options.extraReadOnlyPaths ?? [])].map((p) =>
              path.resolve(p),
            ),
            maskedDirs: masks.dirs.filter(exists),
            maskedFiles: [
              ...masks.files,
              path.join(PATCHSMITH_ROOT, ".env"),
              path.resolve(".env"),
              ...(options.hiddenFiles ?? []).map((p) => path.resolve(p)),
            ].filter(exists),
            tmpDirs: [home],
          },
          argv,
        );
      }
      argv = [...rlimitPrefix(limits, control.nproc, prlimitPath), ...argv];
      if (control.cgroup) {
        const join = control.cgroup.procsFiles.map((_, i) => `echo $$ > "$${i + 1}"`).join(" && ");
        const count = control.cgroup.procsFiles.length;
        argv = [
          "/bin/sh",
          "-c",
          `${join} && shift ${count} && exec "$@"`,
          "patchsmith-cgroup",
          ...control.cgroup.procsFiles,
          ...argv,
        ];
      }
      try {
        const result = await spawnCapped({
          argv,
          cwd: bwrap ? root : cwd,
          env,
          timeoutMs: input.timeoutMs ?? limits.timeoutMs,
          outputLimitBytes: input.outputLimitBytes ?? limits.outputLimitBytes,
          ...(input.stdin === undefined ? {} : { stdin: input.stdin }),
          ...(input.signal ? { signal: input.signal } : {}),
        });
        // The only trace of RLIMIT_NPROC is the fork error the command printed.
        const cgroupHit = await control.cgroup?.limitHit();
        const limitHit =
          cgroupHit !== undefined ||
          (control.nproc !== undefined && forkFailed.test(result.output));
        const killed: RunCommandResult["killed"] = result.cancelled
          ? "cancelled"
          : result.timedOut
            ? "timeout"
            : cgroupHit === "memory" ||
                (limitHit && result.exitCode !== 0) ||
                result.signal === "SIGXCPU" ||
                result.signal === "SIGXFSZ" ||
                result.exitCode === SIGXCPU_EXIT ||
                result.exitCode === SIGXFSZ_EXIT
              ? "resources"
              : null;
        logger.debug(
          { argv: input.argv, exitCode: result.exitCode, ms: result.durationMs, killed },
          "command finished",
        );
        return {
          exitCode: result.exitCode,
          signal: result.signal,
          durationMs: result.durationMs,
          output: result.output,
          truncated: result.truncated,
          killed,
          sandboxed: bwrap !== undefined,
        };
      } finally {
        await control.cgroup?.dispose();
        if (scratch) await rm(scratch, { recursive: true, force: true });
      }
    },
  };
}
