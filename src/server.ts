/**
 * `patchsmith serve`: the Probot server (webhooks, and the registration page on a first
 * start without credentials) with the durable queue and, by default, the worker in the
 * same process. `patchsmith worker` runs only the worker, on the same queue store.
 */
import { createProbot, run, type Probot } from "probot";
import { createApp } from "./app.js";
import type { Env } from "./config/index.js";
import { fetchRepoConfigLenient, probotEnv } from "./config/index.js";
import type { Job, JobQueue, Logger } from "./core/index.js";
import { createOctokitGitHub, readRepoFile, type OctokitLike } from "./github/index.js";
import {
  createOpsHandler,
  createPrometheusMetrics,
  type PrometheusMetrics,
} from "./metrics/index.js";
import { openQueue } from "./queue/index.js";
import { githubThrottle } from "./throttle.js";
import { PATCHSMITH_VERSION } from "./version.js";
import { createJobHandler, dataDirOf } from "./worker.js";

export interface ServeOptions {
  /** false: receive and store only; separate `patchsmith worker` processes run the jobs. */
  worker?: boolean;
}

export async function startServer(env: Env, options: ServeOptions = {}): Promise<void> {
  let queue: JobQueue | undefined;
  let log: Logger | undefined;
  const queueDepth = () => queue?.depth?.() ?? 0;
  const prometheus = createPrometheusMetrics({ queueDepth, defaultMetrics: true });
  const throttle = githubThrottle(env.REDIS_URL);
  const probotOptions = { Octokit: throttle.Octokit, env: probotEnv() };
  const server = await run((app: Probot, appOptions) => {
    log = app.log;
    appOptions.addHandler(
      createOpsHandler({
        version: PATCHSMITH_VERSION,
        registry: prometheus.registry,
        queueDepth,
      }),
    );
    queue = openQueue({ dataDir: dataDirOf(env), redisUrl: env.REDIS_URL, logger: app.log });
    if (options.worker !== false)
      queue.process(jobHandlerFor(app, env, prometheus), env.PATCHSMITH_CONCURRENCY);
    return createApp({
      queue,
      botLogin: env.PATCHSMITH_BOT_NAME,
      logger: app.log,
      repoConfigFor: (octokit, repo) =>
        fetchRepoConfigLenient((r, file) => readRepoFile(octokit, r, file), repo, app.log),
    })(app, appOptions);
  }, probotOptions);
  onShutdown(async () => {
    await server.stop().catch(() => undefined);
    await queue?.close();
    await throttle.close();
  }, log);
}

/** `patchsmith worker`: runs jobs from the queue store; no webhook server. */
export async function startWorker(env: Env): Promise<JobQueue> {
  const throttle = githubThrottle(env.REDIS_URL);
  const app = createProbot({ env: probotEnv(), overrides: { Octokit: throttle.Octokit } });
  const queue = openQueue({ dataDir: dataDirOf(env), redisUrl: env.REDIS_URL, logger: app.log });
  queue.process(jobHandlerFor(app, env), env.PATCHSMITH_CONCURRENCY);
  app.log.info({ concurrency: env.PATCHSMITH_CONCURRENCY }, "worker started");
  onShutdown(() => queue.close().then(throttle.close), app.log);
  return queue;
}

function jobHandlerFor(app: Probot, env: Env, prometheus?: PrometheusMetrics) {
  return createJobHandler({
    env,
    logger: app.log,
    ...(prometheus ? { metrics: prometheus.metrics } : {}),
    githubFor: (job: Job) => githubForJob(app, job, env.PATCHSMITH_BOT_NAME),
  });
}

/** SIGTERM/SIGINT: stop taking jobs, let running ones finish (or hand them back), exit. */
function onShutdown(close: () => Promise<void>, log: Logger | undefined): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log?.info({ signal }, "shutting down: finishing or handing back running jobs");
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        log?.error({ err: String(error) }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
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
