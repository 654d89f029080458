import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PatchsmithError } from "../../../src/core/index.js";
import type { InboxDelivery } from "../../../src/core/index.js";
import { createSqliteInbox, openInbox, type SqliteInbox } from "../../../src/queue/index.js";
import { handOverFromStoppedOwner } from "../../fakes/stopped-owner.js";

const delivery = (n: number, at = 1_000 + n): InboxDelivery => ({
  id: `d-${n}`,
  name: "issues",
  payload: { action: "labeled", n },
  receivedAt: at,
});

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
};

let dir: string;
let open: SqliteInbox[] = [];
const make = (options: Partial<Parameters<typeof createSqliteInbox>[0]> = {}) => {
  const inbox = createSqliteInbox({
    file: path.join(dir, "inbox.sqlite"),
    pollMs: 20,
    retry: { baseDelayMs: 10, maxDelayMs: 40 },
    ...options,
  });
  open.push(inbox);
  return inbox;
};

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "patchsmith-inbox-"));
});
afterEach(async () => {
  for (const inbox of open) await inbox.close();
  open = [];
  await rm(dir, { recursive: true, force: true });
});

describe("createSqliteInbox", () => {
  it("stores durably with WAL and synchronous=FULL; a repeated id is a duplicate, also after a restart", async () => {
    const first = make();
    expect(await first.put(delivery(1))).toBe("stored");
    expect(await first.put(delivery(1))).toBe("duplicate");
    await first.close();
    const second = make();
    expect(await second.put(delivery(1))).toBe("duplicate");
    expect(await second.pending()).toBe(1);
    const db = new Database(path.join(dir, "inbox.sqlite"), { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("remembers handled ids for 3 days, then forgets them", async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const first = make({ now, retentionMs: 1 });
    await first.put(delivery(1, clock));
    first.process(async () => {}, 1);
    await first.drain();
    await first.close();
    clock += 3 * 24 * 60 * 60 * 1000 - 1;
    const within = make({ now });
    expect(await within.put(delivery(1, clock))).toBe("duplicate");
    await within.close();
    clock += 2;
    const after = make({ now });
    expect(await after.put(delivery(1, clock))).toBe("stored");
  });

  it("hands deliveries out oldest first, at most `concurrency` at a time", async () => {
    const inbox = make();
    for (const n of [1, 2, 3, 4, 5]) await inbox.put(delivery(n));
    const seen: string[] = [];
    let active = 0;
    let maxActive = 0;
    inbox.process(async (d, context) => {
      expect(context.attempt).toBe(1);
      seen.push(d.id);
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 20));
      active--;
    }, 2);
    await inbox.drain();
    expect(seen).toEqual(["d-1", "d-2", "d-3", "d-4", "d-5"]);
    expect(maxActive).toBe(2);
    expect(await inbox.pending()).toBe(0);
    expect(inbox.store.stateOf("d-5")?.state).toBe("done");
  });

  it("retries a retryable failure with backoff, a few times, then gives up", async () => {
    const inbox = make({ retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 } });
    await inbox.put(delivery(1));
    const attempts: number[] = [];
    inbox.process(async (_d, context) => {
      attempts.push(context.attempt);
      throw new PatchsmithError("GitHub 502", { isRetryable: true });
    }, 1);
    await inbox.drain();
    expect(attempts).toEqual([1, 2, 3]);
    expect(inbox.store.stateOf("d-1")).toMatchObject({ state: "failed", last_error: "GitHub 502" });
  });

  it("does not retry a permanent failure", async () => {
    const inbox = make();
    await inbox.put(delivery(1));
    const attempts: number[] = [];
    inbox.process(async (_d, context) => {
      attempts.push(context.attempt);
      throw new PatchsmithError("no permission", { isRetryable: false });
    }, 1);
    await inbox.drain();
    expect(attempts).toEqual([1]);
    expect(inbox.store.stateOf("d-1")?.state).toBe("failed");
  });

  it("a delivery stored by a process that stopped before handling it is handled after the restart, once", async () => {
    const receiver = make();
    await receiver.put(delivery(1));
    await receiver.close();
    const restarted = make();
    const seen: string[] = [];
    restarted.process(async (d) => void seen.push(d.id), 4);
    await restarted.drain();
    expect(seen).toEqual(["d-1"]);
    await restarted.close();
    const again = make();
    again.process(async (d) => void seen.push(d.id), 4);
    await again.drain();
    expect(seen).toEqual(["d-1"]);
  });

  it("a delivery in flight under a dead process on this host is handed out again at once, as attempt 2", async () => {
    const first = make();
    await first.put(delivery(1));
    await first.close();
    // A lease held by a pid that has exited, as a SIGKILLed receiver leaves it.
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid;
    const db = new Database(path.join(dir, "inbox.sqlite"));
    db.prepare(
      "UPDATE inbox SET state = 'running', attempt = 1, lease_owner = ?, lease_until = ? WHERE id = 'd-1'",
    ).run(`${os.hostname()}:${deadPid}:dead`, Date.now() + 3_600_000);
    db.close();
    const restarted = make();
    const attempts: number[] = [];
    restarted.process(async (_d, context) => void attempts.push(context.attempt), 1);
    await restarted.drain();
    expect(attempts).toEqual([2]);
  });

  it("what a stopped owner of this process held (a thread that died) is handed out again at once; a live owner's is not", async () => {
    const { attempts, live } = await handOverFromStoppedOwner(make, delivery);
    expect(attempts).toEqual(["stopped:d-1", "live:d-2", "next:d-1:2"]);
    expect(live.store.stateOf("d-2")?.state).toBe("running");
  });

  it("a lease that expires (its process on another host stopped renewing) is handed out again", async () => {
    const hung = make({ leaseMs: 60, heartbeatMs: 1_000_000, graceMs: 10 });
    await hung.put(delivery(1));
    const attempts: number[] = [];
    hung.process(async (_d, context) => {
      attempts.push(context.attempt);
      await new Promise(() => {}); // never returns, and never renews its lease
    }, 1);
    await until(() => attempts.length === 1);
    const other = make();
    other.process(async (_d, context) => void attempts.push(context.attempt), 1);
    await until(() => attempts.length === 2);
    expect(attempts).toEqual([1, 2]);
    await other.drain();
    expect(other.store.stateOf("d-1")?.state).toBe("done");
  });

  it("close() hands a delivery still in flight back after the grace period, its attempt counted", async () => {
    const first = make({ graceMs: 20 });
    await first.put(delivery(1));
    let started = false;
    first.process(async () => {
      started = true;
      await new Promise(() => {});
    }, 1);
    await until(() => started);
    await first.close();
    const second = make();
    const attempts: number[] = [];
    second.process(async (_d, context) => void attempts.push(context.attempt), 1);
    await second.drain();
    expect(attempts).toEqual([2]);
  });

  it("while processing, checkpoints the WAL every second (the intake's commits do not)", async () => {
    const inbox = make();
    const checkpoint = vi.spyOn(inbox.store, "checkpoint");
    expect(await inbox.put(delivery(1))).toBe("stored");
    await new Promise((r) => setTimeout(r, 1_200));
    expect(checkpoint).not.toHaveBeenCalled(); // storing alone never checkpoints
    inbox.process(async () => undefined, 1);
    await until(() => checkpoint.mock.calls.length > 0, 3_000);
    expect(checkpoint.mock.results[0]).toMatchObject({ type: "return" });
  });

  it("put() after close throws (the webhook then answers 5xx)", async () => {
    const closed = make();
    await closed.close();
    await expect(closed.put(delivery(1))).rejects.toThrow(/closed/);
  });

  it("openInbox stores in the data directory when REDIS_URL is unset", async () => {
    const inbox = openInbox({ dataDir: dir, logger: console as never });
    open.push(inbox as SqliteInbox);
    expect(await inbox.put(delivery(1))).toBe("stored");
    expect(existsSync(path.join(dir, "inbox.sqlite"))).toBe(true);
  });
});
