/**
 * Who holds a lease: `host:pid:random`. A process on the same host can tell that a
 * lease's owner is dead (its pid is gone) and take the work up at once instead of
 * waiting for the lease to run out; on another host only the expiry tells.
 */
import os from "node:os";
import { randomUUID } from "node:crypto";

export function ownerId(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export function isDeadLocalOwner(owner: string): boolean {
  const [host, pidText] = owner.split(":");
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
