/**
 * The inbox processor on a thread of its own, as `patchsmith serve` runs it. Handling a
 * delivery writes to SQLite (the queue's delivery claim and the job, each a durable commit
 * that waits for fsync) and parses JSON; on the event loop that answers webhooks, every
 * request arriving meanwhile would wait behind that. On its own thread the answers wait for
 * nothing but their own store. The thread builds what createApp needs from plain settings
 * (functions cannot cross a thread): its own queue and inbox connections on the same files,
 * and a Probot from the environment, as `patchsmith worker` does.
 *
 * From the .ts sources (tests) there is no compiled thread to start: it runs on this thread.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { pino } from "pino";
import { createProbot, ProbotOctokit } from "probot";
import { fetchRepoConfigLenient, probotEnv } from "./config/index.js";
import type { Inbox, Logger } from "./core/index.js";
import { readRepoFile } from "./github/index.js";
import { startInboxProcessor } from "./inbox-processor.js";
import { openInbox, openQueue, ownerId } from "./queue/index.js";
import { githubThrottle } from "./throttle.js";

export interface InboxThreadSettings {
  dataDir: string;
  redisUrl?: string;
  botLogin: string;
  concurrency: number;
  logLevel: string;
  /** Default: what the environment says (GHE_HOST), as for the server's own Probot. */
  githubBaseUrl?: string;
  /** false only in benchmarks and tests: Octokit's throttling spaces out writes a second apart. */
  githubThrottling?: boolean;
  /** The thread's lease owner id, and those of the threads before it that stopped. */
  leaseOwner?: string;
  stoppedLeaseOwners?: string[];
}

export interface InboxProcessorHandle {
  /** Resolves when nothing stored is waiting or in flight. */
  drain(): Promise<void>;
  /** A delivery was just stored: look now rather than at the next poll. */
  poke(): void;
  close(): Promise<void>;
  readonly mode: "thread" | "inline";
}

/** Builds and starts the processor from settings, on the calling thread. */
export async function startProcessorFromSettings(
  settings: InboxThreadSettings,
  logger: Logger,
): Promise<Omit<InboxProcessorHandle, "mode">> {
  const inbox: Inbox & { poke?: () => void } = openInbox(
    {
      dataDir: settings.dataDir,
      logger,
      ...(settings.redisUrl ? { redisUrl: settings.redisUrl } : {}),
    },
    {
      storesDeliveries: false,
      ...(settings.leaseOwner ? { owner: settings.leaseOwner } : {}),
      ...(settings.stoppedLeaseOwners ? { stoppedOwners: settings.stoppedLeaseOwners } : {}),
    },
  );
  const queue = openQueue({
    dataDir: settings.dataDir,
    logger,
    ...(settings.redisUrl ? { redisUrl: settings.redisUrl } : {}),
  });
  // Shared through Redis with serve and the workers when REDIS_URL is set (src/throttle.ts).
  const throttle = githubThrottle(settings.redisUrl);
  const probot = createProbot({
    env: probotEnv(),
    overrides: {
      Octokit: throttle.Octokit,
      log: logger as never,
      ...(settings.githubBaseUrl ? { baseUrl: settings.githubBaseUrl } : {}),
      ...(settings.githubThrottling === false
        ? {
            Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
              ...options,
              retry: { enabled: false },
              throttle: { ...(options.throttle as object), enabled: false },
            })),
          }
        : {}),
    },
  });
  await startInboxProcessor({
    inbox,
    probot,
    concurrency: settings.concurrency,
    logger,
    app: {
      queue,
      botLogin: settings.botLogin,
      logger,
      repoConfigFor: (octokit, repo) =>
        fetchRepoConfigLenient((r, file) => readRepoFile(octokit, r, file), repo, logger),
    },
  });
  return {
    drain: () => inbox.drain(),
    poke: () => inbox.poke?.(),
    async close() {
      await inbox.close();
      await queue.close();
      await throttle.close();
    },
  };
}

function entryUrl(): URL | undefined {
  const url = new URL("./inbox-thread-entry.js", import.meta.url);
  return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url : undefined;
}

type FromThread =
  { type: "ready" } | { type: "drained"; id: number } | { type: "failed"; error: string };

export interface ProcessorThreadOptions {
  logger: Logger;
  /** The environment the thread's Probot reads (default: this process's). */
  env?: Record<string, string>;
  /** The thread's module (default: the compiled inbox-thread-entry.js); tests wrap it. */
  entry?: URL;
  /** The first wait before a stopped thread is started again (default 1 s); it doubles. */
  restartDelayMs?: number;
}

const RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 60_000;
/** A thread that ran this long before it stopped is started again after the first wait. */
const STABLE_MS = 60_000;

/**
 * Starts the processor on its own thread (or inline from the .ts sources); resolves once it
 * is handling deliveries, and rejects when the first thread cannot start.
 *
 * A thread that stops later (an uncaught exception in a library's callback ends a worker
 * thread, not the process) is started again, after 1 s, then 2, 4 ... up to 60 s while it
 * keeps failing: the server goes on answering and storing, and without this nothing would
 * handle what it stores until the process restarts. The new thread picks up what is
 * waiting, and first hands out again what the stopped thread held: each thread holds its
 * leases under an owner id given here, and the next one is told which owners stopped.
 */
export async function startInboxProcessorThread(
  settings: InboxThreadSettings,
  options: ProcessorThreadOptions,
): Promise<InboxProcessorHandle> {
  const url = options.entry ?? entryUrl();
  if (!url) {
    const inline = await startProcessorFromSettings(settings, options.logger);
    return { ...inline, mode: "inline" };
  }
  const { logger } = options;
  const firstDelay = options.restartDelayMs ?? RESTART_DELAY_MS;
  let delay = firstDelay;
  let current: Worker | undefined;
  let starting: Promise<Worker> | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let closing = false;
  // Drains asked for and not answered: sent again to a thread started after a stop.
  const drains = new Map<number, () => void>();
  let nextDrain = 0;
  // Lease owners of threads that stopped: the next thread hands out at once what they held
  // (their pid is ours and alive, so their leases could otherwise only run out, after 60 s).
  const stoppedOwners = new Set<string>();

  const startThread = (): Promise<Worker> =>
    new Promise<Worker>((resolve, reject) => {
      const leaseOwner = ownerId();
      const handedOver = [...stoppedOwners];
      const worker = new Worker(url, {
        workerData: { ...settings, leaseOwner, stoppedLeaseOwners: handedOver },
        ...(options.env ? { env: options.env } : {}),
      });
      const startedAt = Date.now();
      let ready = false;
      worker.on("message", (message: FromThread) => {
        if (message.type === "ready") {
          ready = true;
          for (const owner of handedOver) stoppedOwners.delete(owner);
          resolve(worker);
        } else if (message.type === "failed") reject(new Error(message.error));
        else drains.get(message.id)?.();
      });
      worker.on("error", (error) => {
        if (ready) logger.error({ err: error.message }, "the inbox processor thread failed");
        else reject(error);
      });
      worker.once("exit", (code) => {
        if (!closing) stoppedOwners.add(leaseOwner);
        if (!ready) {
          reject(new Error(`the inbox processor thread exited (${code})`));
          return;
        }
        if (current === worker) current = undefined;
        if (closing) return;
        if (Date.now() - startedAt >= STABLE_MS) delay = firstDelay;
        logger.error(
          { exitCode: code, restartInMs: delay },
          "the inbox processor thread stopped; it will be started again",
        );
        scheduleRestart();
      });
    });

  const scheduleRestart = () => {
    const wait = delay;
    delay = Math.min(delay * 2, MAX_RESTART_DELAY_MS);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      starting = startThread();
      starting.then(
        (worker) => {
          starting = undefined;
          if (closing) return;
          current = worker;
          logger.info("the inbox processor thread is running again");
          for (const id of drains.keys()) worker.postMessage({ type: "drain", id });
        },
        (error: unknown) => {
          starting = undefined;
          if (closing) return;
          logger.error(
            { err: error instanceof Error ? error.message : String(error), restartInMs: delay },
            "the inbox processor thread did not start again",
          );
          scheduleRestart();
        },
      );
    }, wait);
  };

  current = await startThread();
  return {
    mode: "thread",
    drain() {
      const id = nextDrain++;
      return new Promise<void>((resolve) => {
        drains.set(id, () => {
          drains.delete(id);
          resolve();
        });
        current?.postMessage({ type: "drain", id });
      });
    },
    // While no thread runs, the next one looks at what is waiting when it starts.
    poke: () => current?.postMessage({ type: "poke" }),
    async close() {
      closing = true;
      clearTimeout(restartTimer);
      const worker = current ?? (await starting?.catch(() => undefined));
      if (!worker) return;
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      worker.postMessage({ type: "close" });
      await exited;
    },
  };
}

/** The thread's own logger: the same level, JSON lines on stdout. */
export function threadLogger(level: string): Logger {
  return pino({ level, base: { name: "inbox" } }, pino.destination(1));
}

/** The ingress side's inbox: a delivery just stored wakes the processor at once. */
export function pokingOnPut(
  inbox: Inbox,
  processor: () => InboxProcessorHandle | undefined,
): Inbox {
  return {
    async put(delivery) {
      const result = await inbox.put(delivery);
      if (result === "stored") processor()?.poke();
      return result;
    },
    process: (handler, concurrency) => inbox.process(handler, concurrency),
    pending: () => inbox.pending(),
    drain: () => inbox.drain(),
    close: () => inbox.close(),
  };
}
