/** Resource limits for one sandboxed command. Applied as rlimits (and a pids cgroup when root). */
export interface SandboxLimits {
  /** CPU seconds per process (RLIMIT_CPU). */
  cpuSeconds: number;
  /** Largest file a command may write (RLIMIT_FSIZE). */
  fileSizeBytes: number;
  /** Processes the command may add to what its user already runs (RLIMIT_NPROC / pids.max). */
  processes: number;
  /** Memory of the command and everything it starts, where a cgroup can be made (memory.max). */
  memoryBytes: number;
  /** Open file descriptors (RLIMIT_NOFILE). */
  openFiles: number;
  /**
   * Writable memory (RLIMIT_DATA): the effective memory cap. Unlike the address space it does not
   * count the inaccessible reservations V8 makes for every WebAssembly memory (about 10 GiB each).
   */
  dataBytes: number;
  /** Virtual address space (RLIMIT_AS): a backstop only, far above dataBytes, for the reason above. */
  addressSpaceBytes: number;
  /** Wall-clock timeout when the input does not give one. */
  timeoutMs: number;
  /** Output kept (head and tail) when the input does not give a limit. */
  outputLimitBytes: number;
}

export const defaultSandboxLimits: SandboxLimits = {
  cpuSeconds: 1800,
  fileSizeBytes: 2 * 1024 ** 3,
  processes: 512,
  memoryBytes: 8 * 1024 ** 3,
  openFiles: 4096,
  dataBytes: 8 * 1024 ** 3,
  addressSpaceBytes: 1024 ** 4,
  timeoutMs: 15 * 60_000,
  outputLimitBytes: 256 * 1024,
};

export function resolveLimits(partial: Partial<SandboxLimits> | undefined): SandboxLimits {
  const limits = { ...defaultSandboxLimits };
  for (const [key, value] of Object.entries(partial ?? {})) {
    if (typeof value === "number" && Number.isFinite(value) && value > 0) {
      limits[key as keyof SandboxLimits] = Math.floor(value);
    }
  }
  return limits;
}

/**
 * argv prefix that applies the rlimits and then execs the command. prlimit (util-linux) where it
 * exists; elsewhere (macOS) the shell's ulimit, which knows the same limits under other letters.
 */
export function rlimitPrefix(
  limits: SandboxLimits,
  processCap: number | undefined,
  prlimitPath: string | undefined,
): string[] {
  if (prlimitPath) {
    return [
      prlimitPath,
      `--cpu=${limits.cpuSeconds}`,
      `--fsize=${limits.fileSizeBytes}`,
      `--nofile=${limits.openFiles}`,
      `--data=${limits.dataBytes}`,
      `--as=${limits.addressSpaceBytes}`,
      ...(processCap === undefined ? [] : [`--nproc=${processCap}`]),
      "--",
    ];
  }
  const kib = (bytes: number) => Math.floor(bytes / 1024);
  const script = [
    `ulimit -t ${limits.cpuSeconds}`,
    `ulimit -f ${Math.floor(limits.fileSizeBytes / 512)}`,
    `ulimit -n ${limits.openFiles}`,
    `ulimit -d ${kib(limits.dataBytes)} 2>/dev/null`,
    `ulimit -v ${kib(limits.addressSpaceBytes)} 2>/dev/null`,
    ...(processCap === undefined ? [] : [`ulimit -u ${processCap} 2>/dev/null`]),
    'exec "$@"',
  ].join("; ");
  return ["/bin/sh", "-c", script, "patchsmith-limits"];
}
