/**
 * Where the SQLite inbox writes a new delivery. better-sqlite3 is synchronous and a durable
 * commit waits for fsync (1–15 ms on a loaded disk): on the event loop that serves webhooks,
 * every request in the same moment would wait behind it. So the writes go to a thread of
 * their own (sqlite-inbox-intake-thread.ts), and what arrives while one commit is on its way
 * to disk is committed together in the next one (group commit): the webhook waits for its
 * own fsync, the event loop for none. From the .ts sources (no compiled thread to start) the
 * writes run inline.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import type { InboxDelivery } from "../core/index.js";

export interface InboxIntake {
  /** True when stored, false when the delivery id was there already. */
  put(delivery: InboxDelivery, now: number): Promise<boolean>;
  close(): Promise<void>;
  /** "thread" or "inline": which one this is (diagnostics, tests). */
  readonly mode: "thread" | "inline";
}

/** One delivery on its way to the thread; the payload already serialized. */
export interface IntakeRow {
  id: string;
  name: string;
  payload: string;
  receivedAt: number;
  now: number;
}

/** The durable connection: WAL, synchronous=FULL, so a stored delivery survives a power cut. */
export function openIntakeDatabase(file: string): {
  insert(rows: IntakeRow[]): boolean[];
  close(): void;
} {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  const statement = db.prepare(
    `INSERT INTO inbox (id, name, payload, received_at, state, run_at, updated_at)
     VALUES (@id, @name, @payload, @receivedAt, 'waiting', @receivedAt, @now)
     ON CONFLICT(id) DO NOTHING`,
  );
  const insertAll = db.transaction((rows: IntakeRow[]) =>
    rows.map((row) => statement.run(row).changes > 0),
  );
  return { insert: (rows) => insertAll.immediate(rows), close: () => db.close() };
}

function threadUrl(): URL | undefined {
  const url = new URL("./sqlite-inbox-intake-thread.js", import.meta.url);
  return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url : undefined;
}

const rowOf = (delivery: InboxDelivery, now: number): IntakeRow => ({
  id: delivery.id,
  name: delivery.name,
  payload: JSON.stringify(delivery.payload),
  receivedAt: delivery.receivedAt,
  now,
});

export function openInboxIntake(file: string, options: { thread?: boolean } = {}): InboxIntake {
  const url = options.thread === false ? undefined : threadUrl();
  return url ? threadIntake(url, file) : inlineIntake(file);
}

function inlineIntake(file: string): InboxIntake {
  const db = openIntakeDatabase(file);
  return {
    mode: "inline",
    put: async (delivery, now) => db.insert([rowOf(delivery, now)])[0]!,
    close: async () => db.close(),
  };
}

type Reply = { seq: number; stored: boolean } | { seq: number; error: string };

function threadIntake(url: URL, file: string): InboxIntake {
  const worker = new Worker(url, { workerData: { file } });
  const waiting = new Map<
    number,
    { resolve: (stored: boolean) => void; reject: (e: Error) => void }
  >();
  let seq = 0;
  let broken: Error | undefined;
  const failAll = (error: Error) => {
    broken ??= error;
    for (const pending of waiting.values()) pending.reject(error);
    waiting.clear();
  };
  worker.on("message", (reply: Reply) => {
    const pending = waiting.get(reply.seq);
    if (!pending) return;
    waiting.delete(reply.seq);
    if (waiting.size === 0) worker.unref();
    if ("error" in reply) pending.reject(new Error(reply.error));
    else pending.resolve(reply.stored);
  });
  worker.on("error", (error) => failAll(error));
  worker.on("exit", (code) => failAll(new Error(`the inbox writer thread exited (${code})`)));
  // Only puts in flight keep the process alive, as a plain file handle would not either.
  worker.unref();

  return {
    mode: "thread",
    put(delivery, now) {
      if (broken) return Promise.reject(broken);
      const row = rowOf(delivery, now);
      const id = seq++;
      return new Promise<boolean>((resolve, reject) => {
        if (waiting.size === 0) worker.ref();
        waiting.set(id, { resolve, reject });
        worker.postMessage({ seq: id, row });
      });
    },
    async close() {
      if (broken) return;
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      worker.ref();
      worker.postMessage({ close: true });
      await exited;
    },
  };
}
