/**
 * RLIMIT_NPROC counts every task (thread) of the user, not just the command's; to give a command
 * N processes of its own the cap must be what the user already runs plus N.
 */
import { readdirSync, statSync } from "node:fs";

export function tasksOfUser(uid: number): number {
  let count = 0;
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (statSync(`/proc/${entry}`).uid !== uid) continue;
      count += readdirSync(`/proc/${entry}/task`).length;
    } catch {
      // the process ended while we looked
    }
  }
  return count;
}
