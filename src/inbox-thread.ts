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
import { openInbox, openQueue } from "./queue/index.js";
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
    { storesDeliveries: false },
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

/**
 * Starts the processor on its own thread (or inline from the .ts sources); resolves once it
 * is handling deliveries. `env`: the environment the thread's Probot reads (default: this
 * process's).
 */
export async function startInboxProcessorThread(
  settings: InboxThreadSettings,
  options: { logger: Logger; env?: Record<string, string> },
): Promise<InboxProcessorHandle> {
  const url = entryUrl();
  if (!url) {
    const inline = await startProcessorFromSettings(settings, options.logger);
    return { ...inline, mode: "inline" };
  }
  const worker = new Worker(url, {
    workerData: settings,
    ...(options.env ? { env: options.env } : {}),
  });
  const drains = new Map<number, () => void>();
  let nextDrain = 0;
  await new Promise<void>((resolve, reject) => {
    worker.on("message", (message: FromThread) => {
      if (message.type === "ready") resolve();
      else if (message.type === "failed") reject(new Error(message.error));
      else drains.get(message.id)?.();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the inbox processor thread exited (${code})`)));
  });
  worker.on("error", (error) =>
    options.logger.error({ err: error.message }, "the inbox processor thread failed"),
  );
  return {
    mode: "thread",
    drain() {
      const id = nextDrain++;
      return new Promise<void>((resolve) => {
        drains.set(id, () => {
          drains.delete(id);
          resolve();
        });
        worker.postMessage({ type: "drain", id });
      });
    },
    poke: () => worker.postMessage({ type: "poke" }),
    async close() {
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
