/** What every queue and inbox adapter checks when it starts, and waits for when it stops. */

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
