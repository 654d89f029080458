/**
 * `patchsmith serve`: the Probot server (webhooks, and the registration page on a first
 * start without credentials) with the durable queue and, by default, the worker in the
 * same process. The webhook is answered once the delivery is stored in the inbox; the
 * inbox processor in the same process does the GitHub calls after the answer (and, at
 * start, handles what a previous process stored and did not finish). `patchsmith worker`
 * runs only the worker, on the same queue store.
 */
import { createProbot, run, type Probot } from "probot";
import {
  pokingOnPut,
  startInboxProcessorThread,
  type InboxProcessorHandle,
} from "./inbox-thread.js";
import { createIngressApp, withoutEventClients } from "./ingress.js";
import type { Env } from "./config/index.js";
import { probotEnv } from "./config/index.js";
import type { Inbox, Job, JobQueue, Logger } from "./core/index.js";
import {
  createOctokitGitHub,
  startReconciler,
  type OctokitLike,
  type Reconciler,
} from "./github/index.js";
import {
  createOpsHandler,
  createPrometheusMetrics,
  type PrometheusMetrics,
} from "./metrics/index.js";
import { openInbox, openQueue } from "./queue/index.js";
import { githubThrottle } from "./throttle.js";
import { PATCHSMITH_VERSION } from "./version.js";
import { createJobHandler, dataDirOf } from "./worker.js";

export interface ServeOptions {
  /** false: receive and store only; separate `patchsmith worker` processes run the jobs. */
  worker?: boolean;
}

export async function startServer(env: Env, options: ServeOptions = {}): Promise<void> {
  let queue: JobQueue | undefined;
  let inbox: Inbox | undefined;
  let processor: InboxProcessorHandle | undefined;
  let reconciler: Reconciler | undefined;
  let log: Logger | undefined;
  const queueDepth = () => queue?.depth?.() ?? 0;
  const inboxPending = async () => (inbox ? inbox.pending() : 0);
  const prometheus = createPrometheusMetrics({ queueDepth, inboxPending, defaultMetrics: true });
  const throttle = githubThrottle(env.REDIS_URL);
  // Webhooks are only stored here: no client per event (see withoutEventClients).
  const probotOptions = { Octokit: withoutEventClients(throttle.Octokit), env: probotEnv() };
  const server = await run(async (app: Probot, appOptions) => {
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
    inbox = openInbox({ dataDir: dataDirOf(env), redisUrl: env.REDIS_URL, logger: app.log });
    // Deliveries stored and not handled yet (a restart) are picked up as soon as it starts.
    processor = await startInboxProcessorThread(
      {
        dataDir: dataDirOf(env),
        ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
        botLogin: env.PATCHSMITH_BOT_NAME,
        concurrency: env.PATCHSMITH_INBOX_CONCURRENCY,
        logLevel: env.LOG_LEVEL,
      },
      { logger: app.log },
    );
    if (env.PATCHSMITH_RECONCILE_MINUTES) {
      reconciler = startReconciler({
        appOctokit: async () => (await app.auth()) as unknown as OctokitLike,
        everyMs: env.PATCHSMITH_RECONCILE_MINUTES * 60_000,
        logger: app.log,
      });
    }
    return createIngressApp({ inbox: pokingOnPut(inbox, () => processor), logger: app.log })(
      app,
      appOptions,
    );
  }, probotOptions);
  onShutdown(async () => {
    reconciler?.stop();
    await server.stop().catch(() => undefined);
    // Deliveries in flight may still submit jobs: the inbox closes before the queue.
    await processor?.close();
    await inbox?.close();
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
