/** The receiver under Probot with strict GitHub nock and a queue that records jobs. */
import type { Probot } from "probot";
import { createApp, type AppDependencies } from "../../src/app.js";
import type { Job, JobQueue } from "../../src/core/index.js";
import { createTestProbot, webhookExample, type GitHubNock } from "../fakes/github-nock.js";

export const INSTALLATION = 4711;
export const REPO = "/repos/Codertocat/Hello-World";
export const BOT = "patchsmith[bot]";

export function recordingQueue(): JobQueue & { jobs: Job[] } {
  const jobs: Job[] = [];
  return {
    jobs,
    async enqueue(job) {
      jobs.push(job);
      return true;
    },
    process() {},
    async cancel() {
      return false;
    },
    async drain() {},
    async close() {},
  };
}

export async function receiver(
  extra: Partial<AppDependencies> = {},
): Promise<{ probot: Probot; queue: ReturnType<typeof recordingQueue> }> {
  const probot = createTestProbot();
  const queue = recordingQueue();
  await probot.load(createApp({ queue, botLogin: BOT, ...extra }));
  return { probot, queue };
}

export interface Person {
  login: string;
  type?: "User" | "Bot";
}

export function labeled(
  by: Person,
  options: { author?: Person; label?: string; labels?: string[] } = {},
) {
  const payload = webhookExample("issues", "labeled", INSTALLATION);
  payload.label.name = options.label ?? "patchsmith";
  payload.sender = { ...payload.sender, login: by.login, type: by.type ?? "User" };
  payload.issue.user = {
    ...payload.issue.user,
    ...(options.author ?? by),
    type: (options.author ?? by).type ?? "User",
  };
  payload.issue.labels = (options.labels ?? []).map((name) => ({ name }));
  return payload;
}

export function commented(
  by: Person,
  body: string,
  options: { author?: Person; labels?: string[] } = {},
) {
  const payload = webhookExample("issue_comment", "created", INSTALLATION);
  payload.comment.body = body;
  payload.comment.id = 777;
  payload.comment.user = { ...payload.comment.user, login: by.login, type: by.type ?? "User" };
  payload.sender = { ...payload.sender, login: by.login, type: by.type ?? "User" };
  const author = options.author ?? by;
  payload.issue.user = { ...payload.issue.user, login: author.login, type: author.type ?? "User" };
  payload.issue.labels = (options.labels ?? []).map((name) => ({ name }));
  return payload;
}

export function permission(gh: GitHubNock, user: string, role: string | "none") {
  const scope = gh.api().get(`${REPO}/collaborators/${encodeURIComponent(user)}/permission`);
  return role === "none"
    ? scope.reply(404, { message: "Not Found" })
    : scope.reply(200, {
        permission: role === "maintain" ? "write" : role === "triage" ? "read" : role,
        role_name: role,
      });
}

/** What an accepted trigger asks of GitHub: eyes and the queued status comment. */
export function acceptance(gh: GitHubNock, target: "issue" | "comment") {
  const path =
    target === "issue" ? `${REPO}/issues/1/reactions` : `${REPO}/issues/comments/777/reactions`;
  gh.api().post(path, { content: "eyes" }).reply(201, {});
  const bodies: string[] = [];
  gh.api()
    .post(`${REPO}/issues/1/comments`, (b: { body: string }) => bodies.push(b.body) > 0)
    .reply(201, { id: 5001 });
  return bodies;
}

/** A reply comment; returns the bodies posted. */
export function replies(gh: GitHubNock, times = 1) {
  const bodies: string[] = [];
  gh.api()
    .post(`${REPO}/issues/1/comments`, (b: { body: string }) => bodies.push(b.body) > 0)
    .times(times)
    .reply(201, { id: 6001 });
  return bodies;
}
