/**
 * A pids cgroup for one command. RLIMIT_NPROC never applies to uid 0, so when patchsmith runs
 * as root (containers, CI) this is what contains a fork bomb. Used only where the cgroup
 * filesystem is writable; otherwise the caller falls back to rlimits alone.
 */
import { mkdir, readFile, rmdir, writeFile, access } from "node:fs/promises";
import path from "node:path";

const candidates = ["/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified", "/sys/fs/cgroup"];
let sequence = 0;

export interface PidsCgroup {
  readonly procsFile: string;
  /** True once a fork was refused because the cap was reached. */
  limitHit(): Promise<boolean>;
  /** Kills whatever is left in the group and removes it. */
  dispose(): Promise<void>;
}

export async function createPidsCgroup(maxPids: number): Promise<PidsCgroup | undefined> {
  for (const base of candidates) {
    const dir = path.join(base, `patchsmith-${process.pid}-${++sequence}`);
    try {
      await mkdir(dir);
    } catch {
      continue;
    }
    try {
      await access(path.join(dir, "pids.max"));
      await writeFile(path.join(dir, "pids.max"), String(maxPids));
      return handle(dir);
    } catch {
      await rmdir(dir).catch(() => {});
    }
  }
  return undefined;
}

function handle(dir: string): PidsCgroup {
  const procsFile = path.join(dir, "cgroup.procs");
  return {
    procsFile,
    async limitHit() {
      const events = await readFile(path.join(dir, "pids.events"), "utf8").catch(() => "");
      const match = /max (\d+)/.exec(events);
      return match !== null && Number(match[1]) > 0;
    },
    async dispose() {
      for (let attempt = 0; attempt < 50; attempt++) {
        const pids = (await readFile(procsFile, "utf8").catch(() => ""))
          .split("\n")
          .filter((line) => line.trim() !== "")
          .map(Number);
        if (pids.length === 0) break;
        for (const pid of pids) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await rmdir(dir).catch(() => {});
    },
  };
}
