/**
 * `patchsmith serve`: the Probot server (webhooks, and the registration page on a first
 * start without credentials) with the durable SQLite queue and, unless
 * PATCHSMITH_SERVE_WORKER=false, the worker in the same process. `patchsmith worker` runs
 * jobs from the same queue file in a process of its own.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { pino } from "pino";
import { Probot, run } from "probot";
import { createApp } from "./app.js";
import type { Env } from "./config/index.js";
import { fetchRepoConfigLenient, requireWorkerEnv } from "./config/index.js";
import type { Job, Logger } from "./core/index.js";
import { createOctokitGitHub, readRepoFile, type OctokitLike } from "./github/index.js";
import { countingQueue, createOpsHandler, createPrometheusMetrics } from "./metrics/index.js";
import { createSqliteQueue, queueDbPath, type SqliteQueue } from "./queue/index.js";
import { PATCHSMITH_VERSION } from "./version.js";
import { createJobHandler, workDirOf } from "./worker.js";

/** Durable state: the queue file lives here. */
export function dataDirOf(env: Env): string {
  return env.PATCHSMITH_DATA_DIR ?? path.join(workDirOf(env), "data");
}

export function openQueue(env: Env, logger: Logger): SqliteQueue {
  return createSqliteQueue({
    file: queueDbPath(dataDirOf(env)),
    logger,
    graceMs: env.PATCHSMITH_SHUTDOWN_GRACE_SECONDS * 1000,
  });
}

export async function startServer(env: Env): Promise<void> {
  const logger = pino({ level: env.LOG_LEVEL });
  const stored = openQueue(env, logger);
  // The depth counts what this process accepted and started (separate workers: accepted only).
  const queue = countingQueue(stored);
  const prometheus = createPrometheusMetrics({ queueDepth: queue.depth, defaultMetrics: true });
  const server = await run((app: Probot, options) => {
    options.addHandler(
      createOpsHandler({
        version: PATCHSMITH_VERSION,
        registry: prometheus.registry,
        queueDepth: queue.depth,
      }),
    );
    if (env.PATCHSMITH_SERVE_WORKER) {
      const handler = createJobHandler({
        env,
        logger: app.log,
        metrics: prometheus.metrics,
        githubFor: (job: Job) => githubForJob(app, job, env.PATCHSMITH_BOT_NAME),
      });
      queue.process(handler, env.PATCHSMITH_CONCURRENCY);
    }
    return createApp({
      queue,
      dedupe: stored.deliveries,
      botLogin: env.PATCHSMITH_BOT_NAME,
      logger: app.log,
      repoConfigFor: (octokit, repo) =>
        fetchRepoConfigLenient((r, file) => readRepoFile(octokit, r, file), repo, app.log),
    })(app, options);
  });
  // Probot stops on SIGINT by itself (without waiting for jobs; their leases expire and they run again).
  stopOnSignals(logger, ["SIGTERM"], async () => {
    // Stop taking webhooks first, so nothing is acknowledged that the closing queue refuses.
    await server.stop();
    await queue.close();
  });
}

/** `patchsmith worker`: runs jobs from the queue file; any number of these may share it. */
export async function startWorker(env: Env): Promise<SqliteQueue> {
  requireWorkerEnv(env, { github: true });
  const logger = pino({ level: env.LOG_LEVEL });
  const privateKey =
    env.PRIVATE_KEY?.replace(/\\n/g, "\n") ?? readFileSync(env.PRIVATE_KEY_PATH!, "utf8");
  const probot = new Probot({
    appId: env.APP_ID!,
    privateKey,
    log: logger as never,
    ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}),
  });
  const queue = openQueue(env, logger);
  queue.process(
    createJobHandler({
      env,
      logger,
      githubFor: (job: Job) => githubForJob(probot, job, env.PATCHSMITH_BOT_NAME),
    }),
    env.PATCHSMITH_CONCURRENCY,
  );
  logger.info({ queue: queueDbPath(dataDirOf(env)) }, "worker started");
  stopOnSignals(logger, ["SIGTERM", "SIGINT"], () => queue.close());
  return queue;
}

/** SIGTERM/SIGINT: finish or hand back the running jobs, then exit. */
export function stopOnSignals(
  logger: Logger,
  signals: NodeJS.Signals[],
  stop: () => Promise<void>,
): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: no new jobs, waiting for the running ones");
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  for (const signal of signals) process.once(signal, onSignal);
}

export async function githubForJob(app: Probot, job: Job, botLogin: string) {
  if (job.installationId === undefined) throw new Error(`job ${job.id} has no installation id`);
  const installation = (await app.auth(job.installationId)) as unknown as OctokitLike;
  const appOctokit = (await app.auth()) as unknown as OctokitLike;
  return createOctokitGitHub(installation, {
    installationId: job.installationId,
    appOctokit,
    botLogin,
  });
}
