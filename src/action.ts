/**
 * patchsmith as a GitHub Action, on the repository's own runners: the same receiver and
 * worker as the app, for the one event that started the workflow. The run's GITHUB_TOKEN
 * stands in for the app's installation, and the job runs in this process; the Action
 * ends when it has.
 */
import { run as runProbotAction } from "@probot/adapter-github-actions";
import type { Probot } from "probot";
import { createApp } from "./app.js";
import type { Env } from "./config/index.js";
import { fetchRepoConfigLenient } from "./config/index.js";
import type { Job, JobHandler, LanguageModel } from "./core/index.js";
import { createOctokitGitHub, readRepoFile, type OctokitLike } from "./github/index.js";
import { createInProcessQueue } from "./queue/index.js";
import { createJobHandler } from "./worker.js";

/** Who comments when a workflow uses GITHUB_TOKEN. */
export const ACTIONS_BOT = "github-actions[bot]";

export interface ActionDeps {
  env: Env;
  /** The token the adapter authenticates with (GITHUB_TOKEN); also used for git. */
  token: string;
  /** Replaces the model (tests). */
  model?: LanguageModel;
  /** Replaces the whole worker (tests of the entry itself). */
  handleJob?: JobHandler;
}

/** Returns the jobs that ran, once they all have. */
export async function runAction(deps: ActionDeps): Promise<Job[]> {
  const { env } = deps;
  const botLogin =
    env.PATCHSMITH_BOT_NAME === "patchsmith[bot]" ? ACTIONS_BOT : env.PATCHSMITH_BOT_NAME;
  const queue = createInProcessQueue();
  const ran: Job[] = [];
  // The adapter bundles its own copy of probot, so its Probot type is not ours.
  const appFn = (app: Probot) => {
    const githubFor = async () =>
      createOctokitGitHub((await app.auth()) as unknown as OctokitLike, {
        botLogin,
        repositoryToken: deps.token,
      });
    const handler =
      deps.handleJob ??
      createJobHandler({
        env,
        logger: app.log,
        githubFor,
        ...(deps.model ? { model: deps.model } : {}),
      });
    queue.process(async (job, context) => {
      ran.push(job);
      await handler(job, context);
    }, 1);
    return createApp({
      queue,
      botLogin,
      logger: app.log,
      requireInstallation: false,
      repoConfigFor: (octokit, repo) =>
        fetchRepoConfigLenient((r, file) => readRepoFile(octokit, r, file), repo, app.log),
    })(app, { addHandler: () => {} } as never);
  };
  await runProbotAction(appFn as never);
  await queue.drain();
  await queue.close();
  return ran;
}
