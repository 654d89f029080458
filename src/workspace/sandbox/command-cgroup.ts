/**
 * Control groups for one command: a process cap and a memory cap for everything the command
 * starts. RLIMIT_NPROC never applies to uid 0 and rlimits are per process, so when patchsmith runs
 * as root (containers, CI) these are what contain a fork bomb or many processes that each stay
 * under RLIMIT_DATA. Used only where the cgroup filesystem is writable; otherwise the caller
 * falls back to rlimits alone.
 */
import { access, mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";

export interface CommandCgroup {
  /** The cgroup.procs files the command's first process must join. */
  readonly procsFiles: string[];
  /** Which cap the command ran into, if any. */
  limitHit(): Promise<"processes" | "memory" | undefined>;
  /** Kills whatever is left in the groups and removes them. */
  dispose(): Promise<void>;
}

interface Group {
  dir: string;
  events: { file: string; pattern: RegExp; kind: "processes" | "memory" }[];
}

let sequence = 0;
const v2Root = "/sys/fs/cgroup";

async function makeGroup(
  base: string,
  limits: Record<string, string>,
): Promise<string | undefined> {
  const dir = path.join(base, `patchsmith-${process.pid}-${++sequence}`);
  try {
    await mkdir(dir);
  } catch {
    return undefined;
  }
  try {
    for (const [file, value] of Object.entries(limits)) {
      await access(path.join(dir, file));
      await writeFile(path.join(dir, file), value);
    }
    return dir;
  } catch {
    await rmdir(dir).catch(() => {});
    return undefined;
  }
}

const pidsEvents = (dir: string) => ({
  file: path.join(dir, "pids.events"),
  pattern: /max (\d+)/,
  kind: "processes" as const,
});

export async function createCommandCgroup(limits: {
  processes: number;
  memoryBytes: number;
}): Promise<CommandCgroup | undefined> {
  const groups: Group[] = [];
  // cgroup v2 (one hierarchy, both controllers in one group).
  const unified = await makeGroup(v2Root, {
    "pids.max": String(limits.processes),
    "memory.max": String(limits.memoryBytes),
    "memory.swap.max": "0",
  }).catch(() => undefined);
  if (unified) {
    groups.push({
      dir: unified,
      events: [
        pidsEvents(unified),
        { file: path.join(unified, "memory.events"), pattern: /oom_kill (\d+)/, kind: "memory" },
      ],
    });
  } else {
    // cgroup v1: one hierarchy per controller.
    const pids = await makeGroup(path.join(v2Root, "pids"), {
      "pids.max": String(limits.processes),
    });
    if (pids) groups.push({ dir: pids, events: [pidsEvents(pids)] });
    const memory = await makeGroup(path.join(v2Root, "memory"), {
      "memory.limit_in_bytes": String(limits.memoryBytes),
    });
    if (memory) {
      groups.push({
        dir: memory,
        events: [
          {
            file: path.join(memory, "memory.oom_control"),
            pattern: /oom_kill (\d+)/,
            kind: "memory",
          },
        ],
      });
    }
  }
  if (groups.length === 0) return undefined;
  return {
    procsFiles: groups.map((g) => path.join(g.dir, "cgroup.procs")),
    async limitHit() {
      for (const event of groups.flatMap((g) => g.events)) {
        const text = await readFile(event.file, "utf8").catch(() => "");
        const match = event.pattern.exec(text);
        if (match && Number(match[1]) > 0) return event.kind;
      }
      return undefined;
    },
    async dispose() {
      for (const group of groups) await killAndRemove(group.dir);
    },
  };
}

async function killAndRemove(dir: string): Promise<void> {
  const procsFile = path.join(dir, "cgroup.procs");
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
}
