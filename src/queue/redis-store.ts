/**
 * The Redis queue's job records: the truth about every job (state, attempt, lease owner,
 * cancel flag) and every webhook delivery, kept in Redis so that receivers and workers on
 * many machines agree. BullMQ (redis-queue.ts) only dispatches: it holds the one job per
 * issue that may run next, and its lock says which worker has it.
 *
 * The fold decision is fold-policy.ts's `decide`, run here in TypeScript on a snapshot of
 * the key's jobs and committed by a Lua script only if the key's version is unchanged
 * (optimistic concurrency): atomic across processes without a second copy of the policy
 * in Lua, and without the dedicated connection that WATCH/MULTI needs per transaction.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { PatchsmithError } from "../core/index.js";
import type { EnqueueResult, Job } from "../core/index.js";
import { decide, type ActiveJob } from "./fold-policy.js";
import * as scripts from "./redis-scripts.js";

export type RedisJobState = "waiting" | "running" | "done" | "failed" | "cancelled";

export interface RedisJobRecord {
  id: string;
  key: string;
  job: Job;
  state: RedisJobState;
  attempt: number;
  leaseOwner: string | null;
  lastError: string | null;
  cancelRequested: boolean;
}

/** A job that may run next: the first of its key (for the dispatcher and the sweep). */
export interface HeadJob {
  id: string;
  state: "waiting" | "running";
  runAt: number;
  owner: string;
}

export type StartResult =
  | { kind: "run"; job: Job; attempt: number }
  | { kind: "gone" | "notyet" }
  | { kind: "failed" | "cancelled"; next?: Dispatch };

export interface Dispatch {
  id: string;
  runAt: number;
}

export interface RedisStoreOptions {
  prefix: string;
  retentionMs: number;
  pendingDeliveryMs: number;
  now: () => number;
}

export type RedisStore = ReturnType<typeof createRedisStore>;

const MAX_COMMIT_TRIES = 50;

/** EVALSHA, loading the script on a NOSCRIPT reply (a restarted or flushed Redis). */
function scriptRunner(client: Redis) {
  const shas = new Map<string, string>();
  return async (source: string, args: (string | number)[]): Promise<unknown> => {
    let sha = shas.get(source);
    if (!sha) {
      sha = createHash("sha1").update(source).digest("hex");
      shas.set(source, sha);
    }
    try {
      return await client.evalsha(sha, 0, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return client.eval(source, 0, ...args);
    }
  };
}

const dispatchOf = (id: unknown, runAt: unknown): Dispatch | undefined =>
  typeof id === "string" && id !== "" ? { id, runAt: Number(runAt) || 0 } : undefined;

function toRecord(hash: Record<string, string>): RedisJobRecord | undefined {
  if (!hash.payload) return undefined;
  return {
    id: hash.id ?? "",
    key: hash.key ?? "",
    job: JSON.parse(hash.payload) as Job,
    state: (hash.state ?? "waiting") as RedisJobState,
    attempt: Number(hash.attempt ?? 0),
    leaseOwner: hash.owner || null,
    lastError: hash.error || null,
    cancelRequested: hash.cancel === "1",
  };
}

export function createRedisStore(client: Redis, options: RedisStoreOptions) {
  const run = scriptRunner(client);
  const { prefix: p, retentionMs: retention, now } = options;

  async function submit(job: Job, key: string): Promise<EnqueueResult> {
    const deliveryId = job.trigger.deliveryId;
    for (let tries = 0; tries < MAX_COMMIT_TRIES; tries++) {
      const snap = (await run(scripts.SNAPSHOT, [p, key, deliveryId])) as string[];
      const [version = "0", deliveryJob = ""] = snap;
      if (deliveryJob) return { outcome: "folded", jobId: deliveryJob };
      const active: ActiveJob[] = [];
      for (let i = 2; i + 2 < snap.length; i += 3) {
        const state = snap[i + 1];
        if (state === "waiting" || state === "running")
          active.push({ id: snap[i]!, state, mode: snap[i + 2] as Job["mode"] });
      }
      const result = decide(job, active);
      const reply = (await run(scripts.COMMIT, [
        p,
        key,
        deliveryId,
        version,
        result.outcome,
        result.jobId,
        job.id,
        job.mode,
        JSON.stringify(job),
        now(),
        retention,
      ])) as string[];
      if (reply[0] === "ok") return result;
      if (reply[0] === "duplicate") return { outcome: "folded", jobId: reply[1]! };
      // Another process changed this jobs between our read and our write: decide again.
    }
    throw new PatchsmithError(`could not store job ${job.id}: key ${key} kept changing`, {
      userMessage: "Too many requests for this issue at once. Try again in a minute.",
      isRetryable: true,
    });
  }

  return {
    submit,

    async claimDelivery(deliveryId: string): Promise<boolean> {
      const reply = await run(scripts.CLAIM_DELIVERY, [
        p,
        deliveryId,
        now(),
        options.pendingDeliveryMs,
        retention,
      ]);
      return Number(reply) === 1;
    },

    async settleDelivery(deliveryId: string, handled: boolean): Promise<void> {
      await run(scripts.SETTLE_DELIVERY, [p, deliveryId, handled ? "1" : "0", now(), retention]);
    },

    async start(id: string, owner: string, maxAttempts: number): Promise<StartResult> {
      const reply = (await run(scripts.START, [p, id, owner, now(), maxAttempts, retention])) as [
        string,
        string?,
        string?,
      ];
      const [kind, a, b] = reply;
      if (kind === "run") return { kind, job: JSON.parse(a!) as Job, attempt: Number(b) };
      if (kind === "failed" || kind === "cancelled") {
        const next = dispatchOf(a, b);
        return next ? { kind, next } : { kind };
      }
      return { kind: kind === "notyet" ? "notyet" : "gone" };
    },

    /** Records the end of an attempt; `ok` false when the lease was lost meanwhile. */
    async settle(
      id: string,
      owner: string,
      to: { state: RedisJobState; runAt?: number; error?: string; handBack?: boolean },
    ): Promise<{ ok: boolean; next?: Dispatch }> {
      const t = now();
      const reply = (await run(scripts.SETTLE, [
        p,
        id,
        owner,
        to.state,
        to.runAt ?? t,
        to.error ?? "",
        to.handBack ? "1" : "0",
        t,
        retention,
      ])) as [number, string?, string?];
      const next = dispatchOf(reply[1], reply[2]);
      return { ok: Number(reply[0]) === 1, ...(next ? { next } : {}) };
    },

    /** Cancels the key's waiting jobs and flags its running one. */
    async cancel(key: string): Promise<{ found: boolean; removed: string[]; flagged: string[] }> {
      const [found, removed, flagged] = (await run(scripts.CANCEL, [p, key, now(), retention])) as [
        number,
        string,
        string,
      ];
      const ids = (text: string) => (text ? text.split("\n") : []);
      return { found: Number(found) > 0, removed: ids(removed), flagged: ids(flagged) };
    },

    /** What a running job's heartbeat checks: is the lease still ours, was it cancelled? */
    async lease(id: string, owner: string): Promise<{ ours: boolean; cancelled: boolean }> {
      const [state, leaseOwner, cancel] = await client.hmget(
        `${p}:job:${id}`,
        "state",
        "owner",
        "cancel",
      );
      return { ours: state === "running" && leaseOwner === owner, cancelled: cancel === "1" };
    },

    async heads(): Promise<HeadJob[]> {
      const flat = (await run(scripts.HEADS, [p])) as string[];
      const heads: HeadJob[] = [];
      for (let i = 0; i + 3 < flat.length; i += 4) {
        heads.push({
          id: flat[i]!,
          state: flat[i + 1] === "running" ? "running" : "waiting",
          runAt: Number(flat[i + 2]),
          owner: flat[i + 3]!,
        });
      }
      return heads;
    },

    /** A running job whose BullMQ entry is gone is waiting again (the sweep). */
    async release(id: string, owner: string): Promise<boolean> {
      return Number(await run(scripts.RELEASE, [p, id, owner, now(), retention])) === 1;
    },

    activeCount: () => client.zcard(`${p}:active`),

    /** Every job record still kept (tests and operators): SCAN, so not for hot paths. */
    async all(): Promise<RedisJobRecord[]> {
      const records: { seq: number; record: RedisJobRecord }[] = [];
      let cursor = "0";
      do {
        const [next, keys] = await client.scan(cursor, "MATCH", `${p}:job:*`, "COUNT", 500);
        cursor = next;
        for (const k of keys) {
          const hash = await client.hgetall(k);
          const record = toRecord(hash);
          if (record) records.push({ seq: Number(hash.seq ?? 0), record });
        }
      } while (cursor !== "0");
      return records.sort((a, b) => a.seq - b.seq).map((r) => r.record);
    },

    async get(id: string): Promise<RedisJobRecord | undefined> {
      return toRecord(await client.hgetall(`${p}:job:${id}`));
    },

    /** Milliseconds Redis keeps a delivery id (tests check the 3 days). */
    deliveryTtl: (deliveryId: string) => client.pttl(`${p}:delivery:${deliveryId}`),
  };
}
