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

/** How long a put waits for the write lock before the webhook is answered 5xx. */
const LOCK_WAIT_MS = 5_000;
/** Between two tries for the write lock; SQLite's own busy handler sleeps 1, 2, 5, 10 ms... */
const LOCK_RETRY_MS = 0.1;
/**
 * The WAL is checkpointed by the books connection (SqliteInboxStore.checkpoint, from the
 * processor), off this path: a checkpoint run by the commit that crosses SQLite's default
 * 1000 pages copies those pages and fsyncs the database within that put. This is the
 * fallback when no processor runs: 40 MB of WAL at 4 KB pages.
 */
export const INTAKE_AUTOCHECKPOINT_PAGES = 10_000;

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * The durable connection: WAL, synchronous=FULL, so a stored delivery survives a power cut.
 * The books connection takes the same write lock for a fraction of a millisecond at a time
 * (leases, "done"; no fsync): SQLite's busy handler would sleep a whole millisecond or more
 * on the first conflict, so this one tries again every 0.1 ms.
 */
export function openIntakeDatabase(file: string): {
  insert(rows: IntakeRow[]): boolean[];
  close(): void;
} {
  const db = new Database(file);
  // Waiting is SQLite's while the connection is set up (WAL mode may need a lock), ours after.
  db.pragma("busy_timeout = 5000");
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma(`wal_autocheckpoint = ${INTAKE_AUTOCHECKPOINT_PAGES}`);
  db.pragma("busy_timeout = 0");
  const statement = db.prepare(
    `INSERT INTO inbox (id, name, payload, received_at, state, run_at, updated_at)
     VALUES (@id, @name, @payload, @receivedAt, 'waiting', @receivedAt, @now)
     ON CONFLICT(id) DO NOTHING`,
  );
  const insertAll = db.transaction((rows: IntakeRow[]) =>
    rows.map((row) => statement.run(row).changes > 0),
  );
  const insert = (rows: IntakeRow[]): boolean[] => {
    const deadline = performance.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        return insertAll.immediate(rows);
      } catch (error) {
        const busy = (error as { code?: string }).code?.startsWith("SQLITE_BUSY");
        if (!busy || performance.now() > deadline) throw error;
        Atomics.wait(pause, 0, 0, LOCK_RETRY_MS);
      }
    }
  };
  return { insert, close: () => db.close() };
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

export function openInboxIntake(
  file: string,
  /** `entry`: the writer thread's module (default: the compiled one beside this); tests wrap it. */
  options: { thread?: boolean; entry?: URL } = {},
): InboxIntake {
  const url = options.thread === false ? undefined : (options.entry ?? threadUrl());
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

/**
 * A writer thread that stops (it should not; an out-of-memory thread would) fails the puts it
 * had, which are answered 5xx and kept by GitHub as failed deliveries. The next put starts a
 * new thread: the server does not stay unable to store until it is restarted.
 */
function threadIntake(url: URL, file: string): InboxIntake {
  interface Writer {
    worker: Worker;
    /** Puts sent to this thread and not answered yet. */
    waiting: Map<number, { resolve: (stored: boolean) => void; reject: (e: Error) => void }>;
  }
  let current: Writer | undefined;
  let seq = 0;
  let closed = false;

  const start = (): Writer => {
    const writer: Writer = {
      worker: new Worker(url, { workerData: { file } }),
      waiting: new Map(),
    };
    const { worker, waiting } = writer;
    const failAll = (error: Error) => {
      if (current === writer) current = undefined;
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
    return writer;
  };
  // Started now: the first delivery does not wait for the thread to open the database.
  current = start();

  return {
    mode: "thread",
    put(delivery, now) {
      if (closed) return Promise.reject(new Error("the inbox writer is closed"));
      const row = rowOf(delivery, now);
      const writer = (current ??= start());
      const id = seq++;
      return new Promise<boolean>((resolve, reject) => {
        if (writer.waiting.size === 0) writer.worker.ref();
        writer.waiting.set(id, { resolve, reject });
        writer.worker.postMessage({ seq: id, row });
      });
    },
    async close() {
      closed = true;
      const writer = current;
      if (!writer) return;
      const exited = new Promise<void>((resolve) => writer.worker.once("exit", () => resolve()));
      writer.worker.ref();
      writer.worker.postMessage({ close: true });
      await exited;
    },
  };
}
