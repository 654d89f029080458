/**
 * The receiver: the Probot ApplicationFunction. It filters, authorizes, de-duplicates
 * and enqueues; the run itself happens in the worker, behind the JobQueue. GitHub gives
 * a webhook 10 s, so nothing here waits for a job.
 *
 * Triggers: the label (default `patchsmith`) added to an issue, and `/generate` in a new
 * comment on an issue. `/generate` on a pull request gets a polite pointer to issues and
 * review comments (feedback on PRs arrives through review events, not this command).
 * Every other command (`/plan`, `/approve`, `/cancel`, `/retry`, `/undo`, `/help`, an unknown
 * `/word`) goes to src/commands/. Labels `patchsmith:<mode>` choose the mode.
 */
import type { ApplicationFunction, Probot } from "probot";
import { defaultRepoConfig, type RepoConfig } from "./config/index.js";
import type { GitHub, JobQueue, Logger, Mode, RepoRef } from "./core/index.js";
import { render, userMessageOf } from "./core/index.js";
import { handleCommand, modeList } from "./commands/index.js";
import { createOctokitGitHub, type OctokitLike } from "./github/index.js";
import { renderStatus } from "./publish/index.js";
import {
  checkPermission,
  commentEvent,
  createDeliveryDedupe,
  createRecentlySeen,
  isBot,
  issueKey,
  labeledEvent,
  modeOfLabel,
  parseCommand,
  toJob,
  type Command,
  type DeliveryDedupe,
  type TriggerEvent,
} from "./triggers/index.js";

export const DEFAULT_TRIGGER_LABEL = "patchsmith";

export interface AppDependencies {
  queue: JobQueue;
  /** The GitHub port over an installation Octokit (default: createOctokitGitHub with botLogin). */
  githubFor?: (octokit: OctokitLike) => GitHub;
  label?: string;
  /** This app's bot login, e.g. "patchsmith[bot]"; any `[bot]` or Bot sender is ignored anyway. */
  botLogin?: string;
  logger?: Logger;
  /** Shared between receivers only when they share memory; one per process is the default. */
  dedupe?: DeliveryDedupe;
  /**
   * The repository's configuration as the receiver needs it (trigger label, trust, quotas).
   * Default: the built-in defaults, with `label` as the trigger label.
   */
  repoConfigFor?: (octokit: OctokitLike, repo: RepoRef) => Promise<RepoConfig>;
}

export function createApp(deps: AppDependencies): ApplicationFunction {
  const label = deps.label ?? DEFAULT_TRIGGER_LABEL;
  const repoConfigFor =
    deps.repoConfigFor ??
    (async (): Promise<RepoConfig> => {
      const config = defaultRepoConfig();
      return { ...config, trigger: { ...config.trigger, label } };
    });
  const dedupe = deps.dedupe ?? createDeliveryDedupe();
  const refusals = createRecentlySeen({ maxEntries: 5_000, ttlMs: 60 * 60 * 1000 });
  const githubFor =
    deps.githubFor ??
    ((octokit: OctokitLike) =>
      createOctokitGitHub(octokit, deps.botLogin ? { botLogin: deps.botLogin } : {}));

  return (app: Probot) => {
    const log: Logger = deps.logger ?? app.log;

    async function accept(
      event: TriggerEvent,
      command: Command,
      octokit: OctokitLike,
    ): Promise<void> {
      const eventLog = log.child({
        deliveryId: event.deliveryId,
        repo: `${event.repo.owner}/${event.repo.name}`,
        number: event.number,
        actor: event.actor.login,
      });
      if (isBot(event.actor, deps.botLogin) || isBot(event.sender, deps.botLogin)) {
        eventLog.debug("ignored: sent by a bot");
        return;
      }
      if (event.installationId === undefined) {
        eventLog.warn("ignored: the webhook names no installation, so the app cannot act on it");
        return;
      }
      if (!dedupe.firstSeen(event.deliveryId)) {
        eventLog.info("ignored: delivery already handled");
        return;
      }
      try {
        await authorizeAndEnqueue(event, command, githubFor(octokit), eventLog, octokit);
      } catch (error) {
        // Let a redelivery of this webhook try again.
        dedupe.forget(event.deliveryId);
        throw error;
      }
    }

    async function authorizeAndEnqueue(
      event: TriggerEvent,
      command: Command,
      github: GitHub,
      eventLog: Logger,
      octokit: OctokitLike,
    ): Promise<void> {
      const { repo, number } = event;
      const actor = event.actor.login;
      const reply = async (template: string, data: Record<string, unknown> = {}) =>
        github.createComment(
          repo,
          number,
          await render(`github/${template}`, { actor, label, ...data }),
        );

      // A refusal is said once per person and issue for a while: anyone can comment, and
      // a hundred `/generate` comments must not become a hundred replies.
      const replyOnce = async (template: string, data: Record<string, unknown> = {}) => {
        if (refusals.firstSeen(`${issueKey(repo, number)} ${actor.toLowerCase()} ${template}`)) {
          await reply(template, data);
        } else {
          eventLog.info({ template }, "refusal already answered recently; not repeating it");
        }
      };

      if (event.isPullRequest && command.name === "generate") {
        eventLog.info("refused: /generate on a pull request");
        await replyOnce("reply-pull-request.md");
        return;
      }
      if (event.isPullRequest && !PULL_REQUEST_COMMANDS.has(command.name)) return;
      const permission = await checkPermission(github, repo, actor);
      if (!permission.allowed) {
        // Anyone may start a line with `/word` without meaning us: no reply for an unknown one.
        if (command.name === "unknown") return;
        eventLog.info({ permission: permission.permission }, "refused: not allowed to trigger");
        await replyOnce("reply-not-allowed.md", { permission: permission.permission });
        return;
      }
      const target =
        event.commentId !== undefined ? { commentId: event.commentId } : { issueNumber: number };
      await github.addReaction(repo, target, "eyes");
      const config = await repoConfigFor(octokit, repo);
      if (command.name !== "generate") {
        const context = { github, queue: deps.queue, event, log: eventLog };
        await handleCommand(
          { ...context, label: config.trigger.label, allowedModes: config.trigger.modes },
          command,
        );
        return;
      }
      if (!config.trigger.modes.includes(command.mode)) {
        eventLog.info({ mode: command.mode }, "refused: mode not allowed");
        await reply("reply-command-refused.md", {
          message: `mode \`${command.mode}\` is not allowed in this repository; allowed: ${modeList(config.trigger.modes)} (trigger.modes in .github/patchsmith.yml).`,
        });
        if (event.commentId !== undefined)
          await github.addReaction(repo, { commentId: event.commentId }, "confused");
        return;
      }

      const job = toJob({
        deliveryId: event.deliveryId,
        repo,
        ...(event.installationId !== undefined ? { installationId: event.installationId } : {}),
        number,
        actor,
        kind: event.kind,
        ...(event.commentId !== undefined ? { commentId: event.commentId } : {}),
        at: event.at,
        mode: command.mode,
        ...(command.instructions ? { instructions: command.instructions } : {}),
      });
      // The status comment exists before the job can start, so the worker always finds it
      // (findComment returns the newest one) and never races to create a second one.
      const status = await github.createComment(
        repo,
        number,
        await queuedStatus(job.id, actor, command.mode, command.instructions),
      );
      let queued: boolean;
      try {
        queued = await deps.queue.enqueue(job, issueKey(repo, number));
      } catch (error) {
        // Never leave a "queued" status behind for a job that does not exist.
        const message = userMessageOf(error);
        await github.updateComment(
          repo,
          status.id,
          await render("github/reply-not-queued.md", { actor, message }),
        );
        throw error;
      }
      if (!queued) {
        eventLog.info("refused: a run for this issue is already queued or running");
        await github.updateComment(
          repo,
          status.id,
          await render("github/reply-already-running.md", { actor }),
        );
        return;
      }
      eventLog.info({ jobId: job.id, mode: job.mode }, "job queued");
    }

    app.on("issues.labeled", async (context) => {
      const repo = {
        owner: context.payload.repository.owner.login,
        name: context.payload.repository.name,
      };
      const config = await repoConfigFor(context.octokit, repo);
      const added = context.payload.label?.name;
      const mode = modeOfLabel(added, config.trigger.label);
      const event = labeledEvent(
        context.id,
        context.payload,
        mode ? (added ?? config.trigger.label) : config.trigger.label,
      );
      if (!event) return;
      await accept(event, { name: "generate", mode: mode ?? "implement" }, context.octokit);
    });

    app.on("issue_comment.created", async (context) => {
      const command = parseCommand(context.payload.comment.body);
      if (!command) return;
      await accept(commentEvent(context.id, context.payload), command, context.octokit);
    });
  };
}

/** On a pull request: these; `/generate` gets a pointer, the rest is left to review feedback. */
const PULL_REQUEST_COMMANDS: ReadonlySet<string> = new Set(["undo", "cancel", "help", "unknown"]);

function queuedStatus(
  jobId: string,
  actor: string,
  mode: Mode,
  instructions?: string,
): Promise<string> {
  return renderStatus({
    jobId,
    actor,
    mode,
    current: "queued",
    outcome: "running",
    ...(instructions ? { instructions } : {}),
  });
}
