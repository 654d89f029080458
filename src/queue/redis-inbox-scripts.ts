/**
 * The Redis Inbox's state changes, each one Lua script, so each is atomic across every
 * process sharing the Redis: two receivers storing the same delivery id, two processors
 * claiming at once, a settle racing a lease that ran out. Times are Redis's own clock
 * (TIME), so leases hold across machines whose clocks disagree.
 *
 * Keys (all under one hash tag, so they live in one slot):
 *   seen:<id>  string, expires after the retention: the de-duplication memory
 *   data       hash id → the delivery as JSON, until it is handled (or given up and pruned)
 *   attempts   hash id → attempts started
 *   owner      hash id → the process holding its lease
 *   ready      list of ids, oldest first
 *   delayed    zset id → when a retry is due
 *   inflight   zset id → when its lease runs out
 *   failed     zset id → when it was given up
 *   errors     hash id → the last error
 */
import type { Redis } from "ioredis";

export const STATE_KEYS = [
  "data",
  "attempts",
  "owner",
  "ready",
  "delayed",
  "inflight",
  "failed",
  "errors",
] as const;

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: seen:<id>, data, ready. ARGV: id, json, retentionMs. 1 stored, 0 duplicate. */
const PUT = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[3]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('RPUSH', KEYS[3], ARGV[1])
return 1`;

/**
 * KEYS: STATE_KEYS. ARGV: owner, n, leaseMs, maxAttempts, retentionMs.
 * Returns { given-up ids, then for each claimed delivery: id, attempt, json }.
 */
const CLAIM = `
${NOW}
local data, attempts, owner, ready, delayed, inflight, failed, errors =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local given = {}
-- A lease that ran out: its process died or hung. Back to the front (it is older than what
-- waits), unless it has had all its attempts.
local expired = redis.call('ZRANGEBYSCORE', inflight, '-inf', now, 'LIMIT', 0, 100)
for i = #expired, 1, -1 do
  local id = expired[i]
  redis.call('ZREM', inflight, id)
  redis.call('HDEL', owner, id)
  local started = tonumber(redis.call('HGET', attempts, id) or '0')
  if started >= tonumber(ARGV[4]) then
    redis.call('ZADD', failed, now, id)
    redis.call('HSET', errors, id, 'its handling never finished (' .. started .. ' attempts)')
    given[#given + 1] = id
  else
    redis.call('LPUSH', ready, id)
  end
end
local due = redis.call('ZRANGEBYSCORE', delayed, '-inf', now, 'LIMIT', 0, 100)
for i = #due, 1, -1 do
  redis.call('ZREM', delayed, due[i])
  redis.call('LPUSH', ready, due[i])
end
local old = redis.call('ZRANGEBYSCORE', failed, '-inf', now - tonumber(ARGV[5]), 'LIMIT', 0, 100)
for _, id in ipairs(old) do
  redis.call('ZREM', failed, id)
  redis.call('HDEL', data, id)
  redis.call('HDEL', attempts, id)
  redis.call('HDEL', errors, id)
end
local out = { given }
for _ = 1, tonumber(ARGV[2]) do
  local id = redis.call('LPOP', ready)
  if not id then break end
  local json = redis.call('HGET', data, id)
  if json then
    local attempt = redis.call('HINCRBY', attempts, id, 1)
    redis.call('ZADD', inflight, now + tonumber(ARGV[3]), id)
    redis.call('HSET', owner, id, ARGV[1])
    out[#out + 1] = id
    out[#out + 1] = attempt
    out[#out + 1] = json
  end
end
return out`;

/** KEYS: owner, inflight. ARGV: owner, leaseMs, ids... Returns the ids no longer ours. */
const HEARTBEAT = `
${NOW}
local lost = {}
for i = 3, #ARGV do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[1] then
    redis.call('ZADD', KEYS[2], 'XX', now + tonumber(ARGV[2]), ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost`;

/**
 * KEYS: STATE_KEYS. ARGV: id, owner, outcome (done | retry | failed | release), delayMs,
 * error. 0 when the lease was no longer ours (another process has the delivery now).
 */
const SETTLE = `
${NOW}
local data, attempts, owner, ready, delayed, inflight, failed, errors =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local id = ARGV[1]
if redis.call('HGET', owner, id) ~= ARGV[2] then return 0 end
redis.call('HDEL', owner, id)
redis.call('ZREM', inflight, id)
local outcome = ARGV[3]
if outcome == 'done' then
  redis.call('HDEL', data, id)
  redis.call('HDEL', attempts, id)
  redis.call('HDEL', errors, id)
elseif outcome == 'retry' then
  redis.call('ZADD', delayed, now + tonumber(ARGV[4]), id)
  redis.call('HSET', errors, id, ARGV[5])
elseif outcome == 'failed' then
  redis.call('ZADD', failed, now, id)
  redis.call('HSET', errors, id, ARGV[5])
else
  redis.call('LPUSH', ready, id)
  redis.call('HSET', errors, id, ARGV[5])
end
return 1`;

/** KEYS: ready, delayed, inflight. Deliveries stored and not yet handled. */
const PENDING = `
return redis.call('LLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2]) + redis.call('ZCARD', KEYS[3])`;

export interface InboxScripts {
  put(
    keys: [string, string, string],
    id: string,
    json: string,
    retentionMs: number,
  ): Promise<0 | 1>;
  claim(
    keys: string[],
    owner: string,
    n: number,
    leaseMs: number,
    maxAttempts: number,
    retentionMs: number,
  ): Promise<[string[], ...(string | number)[]]>;
  heartbeat(
    keys: [string, string],
    owner: string,
    leaseMs: number,
    ids: string[],
  ): Promise<string[]>;
  settle(
    keys: string[],
    id: string,
    owner: string,
    outcome: "done" | "retry" | "failed" | "release",
    delayMs: number,
    error: string,
  ): Promise<0 | 1>;
  pending(keys: [string, string, string]): Promise<number>;
}

const SCRIPTS = {
  patchsmithInboxPut: { numberOfKeys: 3, lua: PUT },
  patchsmithInboxClaim: { numberOfKeys: STATE_KEYS.length, lua: CLAIM },
  patchsmithInboxHeartbeat: { numberOfKeys: 2, lua: HEARTBEAT },
  patchsmithInboxSettle: { numberOfKeys: STATE_KEYS.length, lua: SETTLE },
  patchsmithInboxPending: { numberOfKeys: 3, lua: PENDING },
};

type Command = (...args: (string | number)[]) => Promise<unknown>;

/** Registers the scripts on the client (EVALSHA, loaded again on NOSCRIPT by ioredis). */
export function inboxScripts(client: Redis): InboxScripts {
  for (const [name, definition] of Object.entries(SCRIPTS)) {
    if (!(name in client)) client.defineCommand(name, definition);
  }
  const command = (name: keyof typeof SCRIPTS) =>
    (client as unknown as Record<string, Command>)[name]!.bind(client);
  const put = command("patchsmithInboxPut");
  const claim = command("patchsmithInboxClaim");
  const heartbeat = command("patchsmithInboxHeartbeat");
  const settle = command("patchsmithInboxSettle");
  const pending = command("patchsmithInboxPending");
  return {
    put: (keys, id, json, retentionMs) => put(...keys, id, json, retentionMs) as Promise<0 | 1>,
    claim: (keys, owner, n, leaseMs, maxAttempts, retentionMs) =>
      claim(...keys, owner, n, leaseMs, maxAttempts, retentionMs) as ReturnType<
        InboxScripts["claim"]
      >,
    heartbeat: (keys, owner, leaseMs, ids) =>
      heartbeat(...keys, owner, leaseMs, ...ids) as Promise<string[]>,
    settle: (keys, id, owner, outcome, delayMs, error) =>
      settle(...keys, id, owner, outcome, delayMs, error) as Promise<0 | 1>,
    pending: (keys) => pending(...keys) as Promise<number>,
  };
}
