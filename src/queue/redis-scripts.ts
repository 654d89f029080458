/**
 * The Lua scripts behind the Redis queue's job records (see redis-store.ts). Each runs
 * atomically in Redis, so receivers and workers on many machines see one order of events.
 * All keys hang off ARGV[1], the prefix: `<p>:job:<id>` (hash), `<p>:key:<dedupe key>`
 * (list of the key's active jobs, oldest first: only the first may run), `<p>:ver:<dedupe
 * key>` (bumped on every change to the key's jobs: the submit's optimistic check),
 * `<p>:active` (sorted set of waiting and running jobs), `<p>:delivery:<id>` (hash).
 */

const COMMON = `
local P = ARGV[1]
local function jobKey(id) return P .. ':job:' .. id end
local function listKey(k) return P .. ':key:' .. k end
local function verKey(k) return P .. ':ver:' .. k end
local activeKey = P .. ':active'
local function bump(k, retention)
  redis.call('INCR', verKey(k))
  redis.call('PEXPIRE', verKey(k), retention)
end
-- Ends a job for good and returns the key's next job if it is waiting (to dispatch it).
local function finish(id, k, state, err, now, retention)
  local jk = jobKey(id)
  redis.call('HSET', jk, 'state', state, 'owner', '', 'updatedAt', now)
  if err ~= '' then redis.call('HSET', jk, 'error', err) end
  redis.call('PEXPIRE', jk, retention)
  redis.call('LREM', listKey(k), 0, id)
  redis.call('ZREM', activeKey, id)
  bump(k, retention)
  local head = redis.call('LINDEX', listKey(k), 0)
  if head then
    local f = redis.call('HMGET', jobKey(head), 'state', 'runAt')
    if f[1] == 'waiting' then return {head, f[2]} end
  end
  return {'', ''}
end
`;

/** ARGV: prefix, dedupe key, delivery id → version, job of that delivery or '', then id, state, mode per active job. */
export const SNAPSHOT = `${COMMON}
local k = ARGV[2]
local out = {redis.call('GET', verKey(k)) or '0', redis.call('HGET', P .. ':delivery:' .. ARGV[3], 'job') or ''}
for _, id in ipairs(redis.call('LRANGE', listKey(k), 0, -1)) do
  local f = redis.call('HMGET', jobKey(id), 'state', 'mode')
  table.insert(out, id)
  table.insert(out, f[1] or '')
  table.insert(out, f[2] or '')
end
return out
`;

/**
 * ARGV: prefix, dedupe key, delivery id, version seen, outcome, job id that does the work,
 * new job id, mode, payload, now, retention → {'ok'} | {'conflict'} | {'duplicate', job id}.
 */
export const COMMIT = `${COMMON}
local k, deliveryKey, outcome = ARGV[2], P .. ':delivery:' .. ARGV[3], ARGV[5]
local now, retention = tonumber(ARGV[10]), tonumber(ARGV[11])
local existing = redis.call('HGET', deliveryKey, 'job')
if existing then return {'duplicate', existing} end
if (redis.call('GET', verKey(k)) or '0') ~= ARGV[4] then return {'conflict'} end
if outcome ~= 'folded' then
  local id = ARGV[7]
  local seq = redis.call('INCR', P .. ':seq')
  redis.call('HSET', jobKey(id), 'id', id, 'key', k, 'mode', ARGV[8], 'payload', ARGV[9],
    'state', 'waiting', 'attempt', 0, 'owner', '', 'cancel', 0, 'error', '', 'runAt', now,
    'seq', seq, 'createdAt', now, 'updatedAt', now)
  redis.call('RPUSH', listKey(k), id)
  redis.call('ZADD', activeKey, seq, id)
  bump(k, retention)
end
redis.call('HSET', deliveryKey, 'state', 'done', 'at', now, 'job', ARGV[6])
redis.call('PEXPIRE', deliveryKey, retention)
return {'ok'}
`;

/**
 * ARGV: prefix, job id, owner, now, max attempts, retention →
 * {'run', payload, attempt} | {'gone'} | {'notyet'} | {'failed'|'cancelled', next id, next runAt}.
 * A running job may be started again: BullMQ hands a job to a second worker only when the
 * first lost its lock, so the first one's lease is over.
 */
export const START = `${COMMON}
local id, owner, now, maxAttempts, retention = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local jk = jobKey(id)
local f = redis.call('HMGET', jk, 'state', 'key', 'attempt', 'cancel', 'error', 'payload')
local state, k = f[1], f[2]
if not state or (state ~= 'waiting' and state ~= 'running') then return {'gone'} end
if redis.call('LINDEX', listKey(k), 0) ~= id then return {'notyet'} end
local attempt = tonumber(f[3])
if f[4] == '1' then
  local n = finish(id, k, 'cancelled', 'cancelled', now, retention)
  return {'cancelled', n[1], n[2]}
end
if attempt >= maxAttempts then
  local reason = f[5]
  if reason == '' then reason = 'its worker stopped on every attempt' end
  local n = finish(id, k, 'failed', reason, now, retention)
  return {'failed', n[1], n[2]}
end
redis.call('HSET', jk, 'state', 'running', 'attempt', attempt + 1, 'owner', owner, 'updatedAt', now)
bump(k, retention)
return {'run', f[6], tostring(attempt + 1)}
`;

/**
 * ARGV: prefix, job id, owner, state, runAt, error, hand back ('1'), now, retention →
 * {0} when the lease is not ours any more, else {1, next id, next runAt}.
 */
export const SETTLE = `${COMMON}
local id, owner, state, now, retention = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[8]), tonumber(ARGV[9])
local jk = jobKey(id)
local f = redis.call('HMGET', jk, 'state', 'owner', 'key', 'attempt')
if f[1] ~= 'running' or f[2] ~= owner then return {0} end
if state == 'waiting' then
  local attempt = tonumber(f[4])
  if ARGV[7] == '1' then attempt = attempt - 1 end
  redis.call('HSET', jk, 'state', 'waiting', 'owner', '', 'runAt', ARGV[5], 'attempt', attempt, 'updatedAt', now)
  if ARGV[6] ~= '' then redis.call('HSET', jk, 'error', ARGV[6]) end
  bump(f[3], retention)
  return {1, '', ''}
end
local n = finish(id, f[3], state, ARGV[6], now, retention)
return {1, n[1], n[2]}
`;

/** ARGV: prefix, dedupe key, now, retention → {found, cancelled waiting ids, flagged running ids} (ids joined by newlines). */
export const CANCEL = `${COMMON}
local k, now, retention = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local found, removed, flagged = 0, {}, {}
for _, id in ipairs(redis.call('LRANGE', listKey(k), 0, -1)) do
  local f = redis.call('HMGET', jobKey(id), 'state', 'cancel')
  if f[1] == 'waiting' then
    finish(id, k, 'cancelled', '', now, retention)
    found = found + 1
    table.insert(removed, id)
  elseif f[1] == 'running' and f[2] ~= '1' then
    redis.call('HSET', jobKey(id), 'cancel', 1, 'updatedAt', now)
    found = found + 1
    table.insert(flagged, id)
  end
end
if found > 0 then bump(k, retention) end
return {found, table.concat(removed, '\\n'), table.concat(flagged, '\\n')}
`;

/** ARGV: prefix, delivery id, now, pending ms, retention → 1 when the caller may handle it. */
export const CLAIM_DELIVERY = `${COMMON}
local dk, now = P .. ':delivery:' .. ARGV[2], tonumber(ARGV[3])
local f = redis.call('HMGET', dk, 'state', 'at')
if f[1] == 'done' then return 0 end
if f[1] == 'pending' and now - tonumber(f[2]) < tonumber(ARGV[4]) then return 0 end
redis.call('HSET', dk, 'state', 'pending', 'at', now)
redis.call('PEXPIRE', dk, tonumber(ARGV[5]))
return 1
`;

/** ARGV: prefix, delivery id, handled ('1'), now, retention. */
export const SETTLE_DELIVERY = `${COMMON}
local dk = P .. ':delivery:' .. ARGV[2]
if ARGV[3] == '1' then
  redis.call('HSET', dk, 'state', 'done')
  if redis.call('HEXISTS', dk, 'at') == 0 then redis.call('HSET', dk, 'at', ARGV[4]) end
  redis.call('PEXPIRE', dk, tonumber(ARGV[5]))
elseif redis.call('HGET', dk, 'state') == 'pending' then
  redis.call('DEL', dk)
end
return 1
`;

/**
 * ARGV: prefix → id, state, runAt, owner per active job that is first of its key: the jobs
 * that should be in BullMQ (waiting) or are held by a worker (running).
 */
export const HEADS = `${COMMON}
local out = {}
for _, id in ipairs(redis.call('ZRANGE', activeKey, 0, -1)) do
  local f = redis.call('HMGET', jobKey(id), 'state', 'key', 'runAt', 'owner')
  if f[1] and redis.call('LINDEX', listKey(f[2]), 0) == id then
    table.insert(out, id)
    table.insert(out, f[1])
    table.insert(out, f[3] or '0')
    table.insert(out, f[4] or '')
  end
end
return out
`;

/** ARGV: prefix, job id, owner, now, retention → 1 when a running job of that owner is waiting again. */
export const RELEASE = `${COMMON}
local jk = jobKey(ARGV[2])
local f = redis.call('HMGET', jk, 'state', 'owner', 'key')
if f[1] ~= 'running' or f[2] ~= ARGV[3] then return 0 end
redis.call('HSET', jk, 'state', 'waiting', 'owner', '', 'runAt', ARGV[4], 'updatedAt', ARGV[4])
bump(f[3], tonumber(ARGV[5]))
return 1
`;
