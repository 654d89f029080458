import { mkdtemp, rm } from "node:fs/promises";
import { statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  INTAKE_AUTOCHECKPOINT_PAGES,
  openIntakeDatabase,
  type IntakeRow,
} from "../../../src/queue/sqlite-inbox-intake.js";
import { openSqliteInboxStore } from "../../../src/queue/sqlite-inbox-store.js";

const row = (n: number, payload = `{"n":${n}}`): IntakeRow => ({
  id: `d-${n}`,
  name: "issues",
  payload,
  receivedAt: 1_000 + n,
  now: 1_000 + n,
});

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "patchsmith-intake-"));
  file = path.join(dir, "inbox.sqlite");
  openSqliteInboxStore({ file }).close(); // the schema
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Another thread takes the write lock for `ms`, as the books connection does for a moment. */
async function holdWriteLock(ms: number): Promise<{ released: Promise<void> }> {
  const worker = new Worker(
    `const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve("better-sqlite3"))});
     const { parentPort, workerData } = require("node:worker_threads");
     const db = new Database(workerData.file);
     db.exec("BEGIN IMMEDIATE");
     parentPort.postMessage("locked");
     setTimeout(() => { db.exec("COMMIT"); db.close(); parentPort.postMessage("released"); }, workerData.ms);`,
    { eval: true, workerData: { file, ms } },
  );
  await new Promise<void>((resolve) => worker.once("message", () => resolve()));
  const released = new Promise<void>((resolve) => worker.once("message", () => resolve()));
  return { released: released.then(() => worker.terminate().then(() => undefined)) };
}

describe("the inbox intake's connection", () => {
  it("waits for a write lock another connection holds, and stores once it is free", async () => {
    const intake = openIntakeDatabase(file);
    const lock = await holdWriteLock(60);
    // busy_timeout is 0 on this connection: without its own retry this throws SQLITE_BUSY.
    // The insert blocks this thread while it waits, so the release is awaited after it.
    const started = performance.now();
    expect(intake.insert([row(1), row(1), row(2)])).toEqual([true, false, true]);
    const waited = performance.now() - started;
    await lock.released;
    expect(waited).toBeGreaterThan(40);
    expect(waited).toBeLessThan(2_000);
    intake.close();
  });

  it("does not checkpoint on its commits; the books connection's checkpoint copies the WAL", () => {
    const intake = openIntakeDatabase(file);
    const store = openSqliteInboxStore({ file });
    // Past SQLite's default autocheckpoint (1000 pages): ~4 pages per delivery.
    const payload = JSON.stringify({ body: "x".repeat(12_000) });
    for (let n = 0; n < 400; n++) intake.insert([row(n, payload)]);
    const walBytes = statSync(`${file}-wal`).size;
    expect(walBytes).toBeGreaterThan(1_000 * 4096);
    expect(walBytes).toBeLessThan(INTAKE_AUTOCHECKPOINT_PAGES * 4096);
    const { walPages, copied } = store.checkpoint();
    expect(walPages).toBeGreaterThan(1_000);
    expect(copied).toBe(walPages);
    // Copied pages are reused: the next commits write from the start of the WAL again.
    for (let n = 400; n < 410; n++) intake.insert([row(n, payload)]);
    expect(statSync(`${file}-wal`).size).toBe(walBytes);
    expect(store.pending()).toBe(410);
    store.close();
    intake.close();
  });
});
