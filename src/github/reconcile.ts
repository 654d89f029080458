/**
 * The periodic reconciler (PATCHSMITH_RECONCILE_MINUTES): every N minutes, what
 * `patchsmith redeliver --since` does, for the window since the previous run. A webhook
 * GitHub could not deliver (the server was down, the store answered 5xx) comes back without
 * anyone running a command; one that did get through is a duplicate in the inbox.
 */
import type { Logger } from "../core/index.js";
import type { OctokitLike } from "./octokit-like.js";
import { redeliverFailed, type RedeliverResult } from "./redeliver.js";

export interface ReconcilerOptions {
  /** An Octokit authenticated as the app (JWT). */
  appOctokit: () => Promise<OctokitLike>;
  everyMs: number;
  logger: Logger;
  now?: () => number;
}

export interface Reconciler {
  /** One pass over the window since the previous one (the first covers `everyMs`). */
  runOnce(): Promise<RedeliverResult>;
  stop(): void;
}

/** A delivery GitHub records a little after it failed is still in the next window. */
const OVERLAP_MS = 60_000;

export function createReconciler(options: ReconcilerOptions): Reconciler {
  const now = options.now ?? Date.now;
  let since = now() - options.everyMs;
  let running: Promise<RedeliverResult> | undefined;

  async function pass(): Promise<RedeliverResult> {
    const startedAt = now();
    const result = await redeliverFailed(await options.appOctokit(), {
      since: new Date(since - OVERLAP_MS),
    });
    since = startedAt;
    const log = result.failed.length > 0 ? options.logger.warn : options.logger.info;
    log.call(
      options.logger,
      {
        redelivered: result.redelivered.map((d) => d.guid),
        failed: result.failed,
        scanned: result.scanned,
      },
      "reconciler: failed webhook deliveries redelivered",
    );
    return result;
  }

  return {
    runOnce() {
      running ??= pass().finally(() => (running = undefined));
      return running;
    },
    stop() {},
  };
}

/** Runs the reconciler every `everyMs` until stopped; a failed pass is logged and retried next time. */
export function startReconciler(options: ReconcilerOptions): Reconciler {
  const reconciler = createReconciler(options);
  const timer = setInterval(() => {
    reconciler.runOnce().catch((error: unknown) => {
      options.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        "reconciler: could not list or redeliver webhook deliveries; trying again next time",
      );
    });
  }, options.everyMs);
  timer.unref();
  return { runOnce: reconciler.runOnce, stop: () => clearInterval(timer) };
}
