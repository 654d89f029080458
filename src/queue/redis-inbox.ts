/**
 * The Inbox on Redis (when REDIS_URL is set), so receivers and processors on many machines
 * share one: put() is one Lua script (remember the id for the retention, store the payload,
 * append it to the ready list), so two receivers given the same delivery store it once.
 * process() claims deliveries oldest first under a lease it renews by heartbeat; a process
 * that dies stops renewing and its deliveries are claimed again when the lease runs out.
 * See redis-inbox-scripts.ts for the keys and design-notes.md for why not BullMQ.
 */
import type { Redis } from "ioredis";
import { PatchsmithError, silentLogger } from "../core/index.js";
import type { Inbox, InboxDelivery, InboxHandler } from "../core/index.js";
import { redactRedisUrl, redisCall } from "./redis-connection.js";
import { closeRedisClient, ownRedisClient, urlOfClient } from "./redis-lifecycle.js";
import { inboxScripts, STATE_KEYS } from "./redis-inbox-scripts.js";
import { ownerId } from "./lease-owner.js";
import { INBOX_RETRY, backoffDelay, shouldRetry, type RetryPolicy } from "./retry-policy.js";
import { DELIVERY_RETENTION_MS } from "./sqlite-queue.js";
import { checkProcessCall, type LeasedWorkOptions, settledWithin } from "./process-limits.js";

export const REDIS_INBOX_PREFIX = "{patchsmith:inbox}";

export interface RedisInboxOptions extends LeasedWorkOptions {
  /** REDIS_URL; the inbox then owns (and closes) its client. */
  url?: string;
  /** A client to use instead (its owner closes it). */
  client?: Redis;
  /** Key prefix; inboxes with the same prefix on the same Redis share their deliveries. */
  prefix?: string;
}

export type RedisInbox = Inbox & {
  readonly client: Redis;
  readonly owner: string;
  /** Look for work now instead of at the next poll (another process just stored some). */
  poke(): void;
};

export function createRedisInbox(options: RedisInboxOptions): RedisInbox {
  if (!options.client && !options.url) throw new Error("createRedisInbox needs a url or a client");
  const logger = options.logger ?? silentLogger;
  const ownsClient = !options.client;
  const client = options.client ?? ownRedisClient(options.url!, logger, "patchsmith-inbox");
  const where = options.url ?? urlOfClient(client);
  const leaseMs = options.leaseMs ?? 60_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(50, Math.floor(leaseMs / 3));
  const pollMs = options.pollMs ?? 250;
  const graceMs = options.graceMs ?? 10_000;
  const retentionMs = Math.max(options.retentionMs ?? DELIVERY_RETENTION_MS, DELIVERY_RETENTION_MS);
  const retry: RetryPolicy = { ...INBOX_RETRY, ...options.retry };
  const prefix = options.prefix ?? REDIS_INBOX_PREFIX;
  const key = (name: string) => `${prefix}:${name}`;
  const stateKeys = STATE_KEYS.map(key);
  const countKeys: [string, string, string] = [key("ready"), key("delayed"), key("inflight")];
  const scripts = inboxScripts(client);
  const owner = options.owner ?? ownerId();
  const running = new Map<string, Promise<void>>();
  let handler: InboxHandler | undefined;
  let concurrency = 1;
  let closing = false;
  let closed = false;
  let pumping = false;
  let pumpAgain = false;
  let claimFailing = false;
  const timers: NodeJS.Timeout[] = [];

  function pump(): void {
    if (!handler || closing) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    const free = concurrency - running.size;
    if (free <= 0) return;
    pumping = true;
    const run = handler;
    scripts
      .claim(stateKeys, owner, free, leaseMs, retry.maxAttempts, retentionMs)
      .then(([givenUp, ...claimed]) => {
        claimFailing = false;
        for (const id of givenUp)
          logger.error({ deliveryId: id }, "delivery given up: its handling never finished");
        for (let i = 0; i + 2 < claimed.length; i += 3) {
          const id = String(claimed[i]);
          const attempt = Number(claimed[i + 1]);
          start(id, attempt, JSON.parse(String(claimed[i + 2])) as InboxDelivery, run);
        }
      })
      .catch((error: unknown) => {
        // Once per outage: the poll tries again every pollMs.
        if (!closing && !claimFailing)
          logger.warn({ err: String(error) }, "could not claim deliveries from Redis");
        claimFailing = true;
      })
      .finally(() => {
        pumping = false;
        if (pumpAgain) {
          pumpAgain = false;
          pump();
        }
      });
  }

  function start(id: string, attempt: number, delivery: InboxDelivery, run: InboxHandler): void {
    const log = logger.child({ deliveryId: id, event: delivery.name, attempt });
    const settled = Promise.resolve()
      .then(() => run(delivery, { attempt }))
      .then(
        () => scripts.settle(stateKeys, id, owner, "done", 0, ""),
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          if (shouldRetry(error, attempt, retry)) {
            const delay = backoffDelay(attempt, retry, options.random);
            log.warn({ err: message, retryInMs: delay }, "delivery failed; it will be retried");
            return scripts.settle(stateKeys, id, owner, "retry", delay, message);
          }
          log.error({ err: message }, "delivery failed; given up");
          return scripts.settle(stateKeys, id, owner, "failed", 0, message);
        },
      )
      .then((ours) => {
        if (ours === 0) log.warn("the delivery's lease ran out while it was handled");
      })
      .catch((error: unknown) =>
        // The lease runs out and another process handles it again: nothing is lost.
        log.error({ err: String(error) }, "could not record the end of a delivery"),
      )
      .finally(() => {
        running.delete(id);
        pump();
      });
    running.set(id, settled);
  }

  function heartbeat(): void {
    if (running.size === 0 || closed) return;
    scripts.heartbeat([key("owner"), key("inflight")], owner, leaseMs, [...running.keys()]).then(
      (lost) => {
        if (lost.length > 0) logger.warn({ deliveries: lost }, "delivery leases lost");
      },
      (error: unknown) => logger.warn({ err: String(error) }, "could not renew delivery leases"),
    );
  }

  function closedError(): PatchsmithError {
    return new PatchsmithError("the inbox is closed", {
      userMessage: "patchsmith is shutting down and did not store this delivery.",
      isRetryable: true,
    });
  }

  /**
   * What a stopped owner (a thread of this process that died) held goes back to the front of
   * the queue now, not when its lease runs out; settle checks per delivery that the lease is
   * still that owner's, so a delivery another process has taken meanwhile stays its own.
   */
  async function releaseStoppedOwners(stopped: ReadonlySet<string>): Promise<void> {
    const held = await client.hgetall(key("owner"));
    const ids = Object.keys(held).filter((id) => stopped.has(held[id]!));
    const released = await Promise.all(
      ids.map((id) =>
        scripts.settle(stateKeys, id, held[id]!, "release", 0, "its processor thread stopped"),
      ),
    );
    const handedBack = ids.filter((_, i) => released[i] === 1);
    if (handedBack.length > 0)
      logger.warn({ deliveries: handedBack }, "handling again deliveries of a thread that stopped");
  }

  async function pendingCount(): Promise<number> {
    return Number(await redisCall(where, () => scripts.pending(countKeys)));
  }

  return {
    client,
    owner,
    poke: pump,

    async put(delivery) {
      if (closed || closing) throw closedError();
      const json = JSON.stringify(delivery);
      const stored = await redisCall(where, () =>
        scripts.put(
          [key(`seen:${delivery.id}`), key("data"), key("ready")],
          delivery.id,
          json,
          retentionMs,
        ),
      );
      if (stored === 1) pump();
      return stored === 1 ? "stored" : "duplicate";
    },

    process(inboxHandler, inboxConcurrency) {
      checkProcessCall(handler !== undefined, inboxConcurrency, "inbox");
      handler = inboxHandler;
      concurrency = inboxConcurrency;
      timers.push(setInterval(pump, pollMs), setInterval(heartbeat, heartbeatMs));
      logger.info({ redis: redactRedisUrl(where), concurrency }, "processing the Redis inbox");
      const stopped = new Set(options.stoppedOwners);
      if (stopped.size === 0) pump();
      else
        releaseStoppedOwners(stopped)
          .catch((error: unknown) =>
            // Their leases still run out: they are handed out again then.
            logger.warn({ err: String(error) }, "could not release a stopped thread's deliveries"),
          )
          .finally(pump);
    },

    pending: pendingCount,

    async drain() {
      while (!closed) {
        if (running.size === 0 && (!handler || closing || (await pendingCount()) === 0)) return;
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
        await Promise.all(
          [...running.keys()].map(async (id) => {
            await scripts
              .settle(stateKeys, id, owner, "release", 0, "handed back at shutdown")
              .catch(() => undefined);
            logger.warn({ deliveryId: id }, "shutdown: delivery handed back to the inbox");
          }),
        );
      }
      closed = true;
      if (ownsClient) await closeRedisClient(client);
    },
  };
}
