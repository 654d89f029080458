/**
 * The embedded Inbox (the default when REDIS_URL is unset): webhook deliveries in a SQLite
 * file in the data directory (see sqlite-inbox-store.ts). put() is one INSERT on a writer
 * thread (sqlite-inbox-intake.ts), on disk before the webhook is answered; a delivery id
 * already there (kept at least 3 days) is a duplicate. process() leases deliveries oldest first and renews the leases by heartbeat;
 * a process that dies stops renewing, and its deliveries are handed out again when the
 * lease runs out (at once, when it ran on this machine and a new process starts here).
 */
import { PatchsmithError, silentLogger } from "../core/index.js";
import type { Inbox, InboxDelivery, InboxHandler } from "../core/index.js";
import { isDeadLocalOwner, ownerId } from "./lease-owner.js";
import { INBOX_RETRY, backoffDelay, shouldRetry, type RetryPolicy } from "./retry-policy.js";
import { DELIVERY_RETENTION_MS } from "./sqlite-queue.js";
import { openInboxIntake, type InboxIntake } from "./sqlite-inbox-intake.js";
import { openSqliteInboxStore, type SqliteInboxStore } from "./sqlite-inbox-store.js";
import { checkProcessCall, type LeasedWorkOptions, settledWithin } from "./process-limits.js";

/** How often the processor copies the inbox's WAL into its database file. */
const CHECKPOINT_EVERY_MS = 1_000;

export interface SqliteInboxOptions extends LeasedWorkOptions {
  /** The database file (created with its directory). */
  file: string;
  /** false: write new deliveries on this thread (default: a writer thread when compiled). */
  writerThread?: boolean;
  /**
   * false: the writer starts at the first put (a process that only handles deliveries needs
   * none). Default true: it starts now, so the first webhook does not wait for it.
   */
  storesDeliveries?: boolean;
  now?: () => number;
}

export type SqliteInbox = Inbox & {
  readonly store: SqliteInboxStore;
  readonly owner: string;
  /** How new deliveries are written ("none" before the first put). */
  intakeMode(): InboxIntake["mode"] | "none";
  /** Look for stored deliveries now (another thread or process stored one). */
  poke(): void;
};

export function createSqliteInbox(options: SqliteInboxOptions): SqliteInbox {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? 60_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(50, Math.floor(leaseMs / 3));
  const pollMs = options.pollMs ?? 250;
  const graceMs = options.graceMs ?? 10_000;
  const retentionMs = Math.max(options.retentionMs ?? DELIVERY_RETENTION_MS, DELIVERY_RETENTION_MS);
  const retry: RetryPolicy = { ...INBOX_RETRY, ...options.retry };
  const store = openSqliteInboxStore({ file: options.file, now });
  let intake: InboxIntake | undefined;
  const intakeNow = () =>
    (intake ??= openInboxIntake(
      options.file,
      options.writerThread !== undefined ? { thread: options.writerThread } : {},
    ));
  const owner = options.owner ?? ownerId();
  const running = new Map<string, Promise<void>>();
  let handler: InboxHandler | undefined;
  let concurrency = 1;
  let closing = false;
  let closed = false;
  let pumpQueued = false;
  const timers: NodeJS.Timeout[] = [];

  store.prune(retentionMs);
  if (options.storesDeliveries !== false) intakeNow();

  function schedulePump(): void {
    if (pumpQueued || !handler || closing) return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      pump();
    });
  }

  function pump(): void {
    if (!handler || closing) return;
    const free = concurrency - running.size;
    if (free <= 0) return;
    const { claimed, givenUp } = store.claim(owner, free, leaseMs, retry.maxAttempts);
    for (const { id, error } of givenUp)
      logger.error(
        { deliveryId: id, err: error },
        "delivery given up: its handling never finished",
      );
    for (const { delivery, attempt } of claimed) start(delivery, attempt, handler);
  }

  function start(delivery: InboxDelivery, attempt: number, run: InboxHandler): void {
    const log = logger.child({ deliveryId: delivery.id, event: delivery.name, attempt });
    const settled = Promise.resolve()
      .then(() => run(delivery, { attempt }))
      .then(
        () => {
          if (!closed) store.settle(delivery.id, owner, { state: "done" });
        },
        (error: unknown) => {
          if (closed) return;
          const message = error instanceof Error ? error.message : String(error);
          if (shouldRetry(error, attempt, retry)) {
            const delay = backoffDelay(attempt, retry, options.random);
            store.settle(delivery.id, owner, {
              state: "waiting",
              runAt: now() + delay,
              error: message,
            });
            log.warn({ err: message, retryInMs: delay }, "delivery failed; it will be retried");
          } else {
            store.settle(delivery.id, owner, { state: "failed", error: message });
            log.error({ err: message }, "delivery failed; given up");
          }
        },
      )
      .catch((error: unknown) =>
        log.error({ err: String(error) }, "could not record the end of a delivery"),
      )
      .finally(() => {
        running.delete(delivery.id);
        schedulePump();
      });
    running.set(delivery.id, settled);
  }

  function closedError(): PatchsmithError {
    return new PatchsmithError("the inbox is closed", {
      userMessage: "patchsmith is shutting down and did not store this delivery.",
      isRetryable: true,
    });
  }

  return {
    store,
    owner,
    intakeMode: () => intake?.mode ?? "none",
    poke: schedulePump,

    async put(delivery) {
      if (closed || closing) throw closedError();
      const stored = await intakeNow().put(delivery, now());
      if (stored) schedulePump();
      return stored ? "stored" : "duplicate";
    },

    process(inboxHandler, inboxConcurrency) {
      checkProcessCall(handler !== undefined, inboxConcurrency, "inbox");
      handler = inboxHandler;
      concurrency = inboxConcurrency;
      const stopped = new Set(options.stoppedOwners);
      const released = store.releaseOwners((o) => stopped.has(o) || isDeadLocalOwner(o));
      if (released.length > 0)
        logger.warn({ deliveries: released }, "handling again deliveries of a process that died");
      timers.push(setInterval(pump, pollMs));
      const beat = setInterval(() => {
        if (running.size > 0 && !closed) store.heartbeat(owner, leaseMs);
      }, heartbeatMs);
      beat.unref();
      const pruner = setInterval(() => store.prune(retentionMs), 60 * 60 * 1000);
      pruner.unref();
      // The intake does not checkpoint on its commits (sqlite-inbox-intake.ts): this does.
      const checkpointer = setInterval(() => {
        if (closed) return;
        try {
          store.checkpoint();
        } catch (error) {
          // The next one tries again; until then the WAL only grows.
          logger.warn({ err: String(error) }, "inbox checkpoint failed");
        }
      }, CHECKPOINT_EVERY_MS);
      checkpointer.unref();
      timers.push(beat, pruner, checkpointer);
      pump();
    },

    async pending() {
      if (closed) throw closedError();
      return store.pending();
    },

    async drain() {
      while (!closed && (running.size > 0 || (handler && !closing && store.pending() > 0))) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, 20)));
      }
    },

    async close() {
      if (closed) return;
      closing = true;
      for (const timer of timers) clearInterval(timer);
      const timedOut = !(await settledWithin(Promise.all(running.values()), graceMs));
      if (timedOut) {
        // Its attempt stays counted: the next handler must know it was started before.
        for (const id of running.keys()) {
          store.settle(id, owner, {
            state: "waiting",
            runAt: now(),
            error: "handed back at shutdown",
          });
          logger.warn({ deliveryId: id }, "shutdown: delivery handed back to the inbox");
        }
      }
      closed = true;
      await intake?.close();
      store.close();
    },
  };
}
