/**
 * Runs `call` with a signal that aborts after `afterMs`, as `/cancel` aborts a running job's:
 * what the call rejected with (undefined if it resolved) and how long it took in all.
 */
export async function cancelAfter(
  afterMs: number,
  call: (signal: AbortSignal) => Promise<unknown>,
): Promise<{ error: unknown; ms: number }> {
  const cancel = new AbortController();
  const timer = setTimeout(() => cancel.abort(), afterMs);
  const started = performance.now();
  try {
    const error = await call(cancel.signal).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}
