/**
 * `patchsmith serve`: the Probot server (webhooks, and the registration page on a first
 * start without credentials) with the in-process queue and the worker in the same process.
 */
import { run, type Probot } from "probot";
import { createApp } from "./app.js";
import type { Env } from "./config/index.js";
import { fetchRepoConfigLenient } from "./config/index.js";
import type { Job } from "./core/index.js";
import { createOctokitGitHub, readRepoFile, type OctokitLike } from "./github/index.js";
import { countingQueue, createOpsHandler, createPrometheusMetrics } from "./metrics/index.js";
import { createInProcessQueue } from "./queue/index.js";
import { PATCHSMITH_VERSION } from "./version.js";
import { createJobHandler } from "./worker.js";

export async function startServer(env: Env): Promise<void> {
  const queue = countingQueue(createInProcessQueue());
  const prometheus = createPrometheusMetrics({ queueDepth: queue.depth, defaultMetrics: true });
  await run((app: Probot, options) => {
    options.addHandler(
      createOpsHandler({
        version: PATCHSMITH_VERSION,
        registry: prometheus.registry,
        queueDepth: queue.depth,
      }),
    );
    const handler = createJobHandler({
      env,
      logger: app.log,
      metrics: prometheus.metrics,
      githubFor: (job: Job) => githubForJob(app, job, env.PATCHSMITH_BOT_NAME),
    });
    queue.process(handler, env.PATCHSMITH_CONCURRENCY);
    return createApp({
      queue,
      botLogin: env.PATCHSMITH_BOT_NAME,
      logger: app.log,
      repoConfigFor: (octokit, repo) =>
        fetchRepoConfigLenient((r, file) => readRepoFile(octokit, r, file), repo, app.log),
    })(app, options);
  });
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
