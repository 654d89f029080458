/** What every queue and inbox adapter takes, checks when it starts, and waits for when it stops. */
import type { Logger } from "../core/index.js";
import type { RetryPolicy } from "./retry-policy.js";

/** The lease, retry and shutdown settings the four durable adapters share. */
export interface LeasedWorkOptions {
  logger?: Logger;
  /** A worker that stops renewing loses its work after this long. */
  leaseMs?: number;
  heartbeatMs?: number;
  /** How often stored work is looked for (another process's, a retry now due). */
  pollMs?: number;
  retry?: Partial<RetryPolicy>;
  /** How long close() lets work in flight finish before handing it back. */
  graceMs?: number;
  /** Delivery ids (and finished jobs) are remembered this long (at least 3 days). */
  retentionMs?: number;
  random?: () => number;
  /** Who this one holds leases as (default: a new `host:pid:random`, see lease-owner.ts). */
  owner?: string;
  /**
   * Lease owners known to have stopped while this process lives (a thread of it that died):
   * what they held is handed out again when processing starts, instead of when their leases
   * run out. Their pid is this process's, so isDeadLocalOwner cannot tell.
   */
  stoppedOwners?: readonly string[];
}

/** `process()` may be called once, with a positive whole concurrency. */
export function checkProcessCall(
  alreadyCalled: boolean,
  concurrency: number,
  what: "queue" | "inbox",
): void {
  if (alreadyCalled) throw new Error(`process() was already called on this ${what}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  }
}

/** True when `work` settled within `graceMs`; false when the grace period ran out first. */
export async function settledWithin(work: Promise<unknown>, graceMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
