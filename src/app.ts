/**
 * The receiver: the Probot ApplicationFunction. It filters, authorizes, de-duplicates
 * and enqueues; the run itself happens in the worker, behind the JobQueue. GitHub gives
 * a webhook 10 s, so nothing here waits for a job.
 *
 * Triggers: the label (default `patchsmith`) added to an issue, and `/generate` in a new
 * comment on an issue. On patchsmith's own pull requests, reviews, thread replies,
 * `/generate` or a mention, and failed CI on the head become feedback or ci-repair jobs;
 * `/generate` on any other pull request gets a polite pointer.
 * Every other command (`/plan`, `/approve`, `/cancel`, `/retry`, `/undo`, `/help`, an unknown
 * `/word`) goes to src/commands/. Labels `patchsmith:<mode>` choose the mode.
 */
import type { ApplicationFunction, Probot } from "probot";
import { defaultRepoConfig, type RepoConfig } from "./config/index.js";
import type { EnqueueResult, GitHub, JobQueue, Logger, Mode, RepoRef } from "./core/index.js";
import { MODES, render, userMessageOf } from "./core/index.js";
import { handleCommand, modeList } from "./commands/index.js";
import { createOctokitGitHub, type OctokitLike } from "./github/index.js";
import { createStatusComment, findStatusComment, renderStatus } from "./publish/index.js";
import {
  approvalOf,
  botVerdict,
  checkPermission,
  checkSuiteTrigger,
  createMemoryQuota,
  commentEvent,
  conversationTrigger,
  enqueueFeedback,
  isPatchsmithPullRequest,
  mentionsApp,
  reviewReplyTrigger,
  reviewSubmittedTrigger,
  workflowRunTrigger,
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
  type FeedbackTrigger,
  type TriggerEvent,
  type TriggerQuota,
} from "./triggers/index.js";
import { withLogRedaction, withOutboundRedaction } from "./security/index.js";
import { createRedactor, issueBodyDigest, type Redactor } from "./core/index.js";

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
  /** Trigger counting per user and repository (default: in memory, per process). */
  quota?: TriggerQuota;
  /** Scans every comment the receiver posts (default: credential shapes only). */
  redactor?: Redactor;
  /**
   * False in a GitHub Action, whose events name no installation (the run's GITHUB_TOKEN
   * stands in for it). Default true: an app cannot act on an event without one.
   */
  requireInstallation?: boolean;
  /**
   * True for a delivery handled before by a process that may have died half-way (the
   * inbox hands it out again): its status comment may exist already, and is reused.
   */
  resumedDelivery?: (deliveryId: string) => boolean;
}

/**
 * A reply's hidden marker: the delivery it answers. A delivery the inbox hands out again (its
 * process died after the reply was posted and before the delivery was done) finds the reply
 * and does not post it twice. The id is GitHub's (a GUID); anything else in it is replaced.
 */
export function replyMarker(deliveryId: string): string {
  return `<!-- patchsmith:reply ${JSON.stringify({ delivery: deliveryId.replace(/[^\w.:-]/g, "_") })} -->`;
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
  const quota = deps.quota ?? createMemoryQuota();
  const redactor = deps.redactor ?? createRedactor();
  const refusals = createRecentlySeen({ maxEntries: 5_000, ttlMs: 60 * 60 * 1000 });
  const githubFor =
    deps.githubFor ??
    ((octokit: OctokitLike) =>
      createOctokitGitHub(octokit, deps.botLogin ? { botLogin: deps.botLogin } : {}));

  // One job per review (and per failing CI head), whichever of its events comes first.
  const feedbackSeen = createRecentlySeen({ maxEntries: 5_000, ttlMs: 60 * 60 * 1000 });
  const appSlug = deps.botLogin?.replace(/\[bot\]$/i, "");

  /**
   * The receiver's own reply to a delivery (a refusal, "busy", a command's answer): at most
   * one per delivery.
   */
  async function postReply(
    github: GitHub,
    repo: RepoRef,
    number: number,
    deliveryId: string,
    body: string,
  ): Promise<void> {
    const marker = replyMarker(deliveryId);
    // Only a delivery handed out again can have replied already: one lookup, only then.
    if (deps.resumedDelivery?.(deliveryId) && (await github.findComment(repo, number, marker)))
      return;
    await github.createComment(repo, number, `${body}\n\n${marker}`);
  }

  return (app: Probot) => {
    const log: Logger = withLogRedaction(deps.logger ?? app.log, redactor);

    /** Review feedback and failing CI on the bot's own pull requests (see triggers/feedback-events). */
    async function acceptFeedback(
      trigger: FeedbackTrigger | undefined,
      octokit: OctokitLike,
    ): Promise<void> {
      if (!trigger) return;
      const eventLog = log.child({
        deliveryId: trigger.deliveryId,
        repo: `${trigger.repo.owner}/${trigger.repo.name}`,
        number: trigger.number,
        actor: trigger.actor.login,
      });
      // CI events are sent by whoever pushed or by Actions itself; their content is not a person's ask.
      if (
        trigger.kind !== "ci" &&
        (isBot(trigger.actor, deps.botLogin) || isBot(trigger.sender, deps.botLogin))
      ) {
        eventLog.debug("ignored: feedback from a bot");
        return;
      }
      if (trigger.installationId === undefined) return;
      if (!dedupe.firstSeen(trigger.deliveryId)) return;
      try {
        const github = githubFor(octokit);
        const result = await enqueueFeedback({
          trigger,
          github,
          queue: deps.queue,
          seen: feedbackSeen,
          logger: eventLog,
        });
        if (result === "queued" && trigger.commentId !== undefined) {
          await github.addReaction(trigger.repo, { commentId: trigger.commentId }, "eyes");
        }
        // A person's feedback must not vanish silently; CI fails again on the next head anyway.
        const busyKey = `${issueKey(trigger.repo, trigger.number)} ${trigger.actor.login.toLowerCase()} busy`;
        if (result === "busy" && trigger.kind !== "ci" && refusals.firstSeen(busyKey)) {
          await postReply(
            github,
            trigger.repo,
            trigger.number,
            trigger.deliveryId,
            await render("github/reply-feedback-busy.md", { actor: trigger.actor.login }),
          );
        }
      } catch (error) {
        dedupe.forget(trigger.deliveryId);
        throw error;
      }
    }

    const prefixOf = async (octokit: OctokitLike, repo: { owner: string; name: string }) =>
      (await repoConfigFor(octokit, repo)).pullRequest.branchPrefix;
    const repoOf = (payload: { repository: { owner: { login: string }; name: string } }) => ({
      owner: payload.repository.owner.login,
      name: payload.repository.name,
    });

    app.on("pull_request_review.submitted", async (context) => {
      const prefix = await prefixOf(context.octokit, repoOf(context.payload));
      await acceptFeedback(
        reviewSubmittedTrigger(context.id, context.payload, prefix),
        context.octokit,
      );
    });

    app.on("pull_request_review_comment.created", async (context) => {
      const prefix = await prefixOf(context.octokit, repoOf(context.payload));
      await acceptFeedback(
        reviewReplyTrigger(context.id, context.payload, prefix),
        context.octokit,
      );
    });

    app.on("check_suite.completed", async (context) => {
      const prefix = await prefixOf(context.octokit, repoOf(context.payload));
      await acceptFeedback(
        checkSuiteTrigger(context.id, context.payload, prefix, appSlug),
        context.octokit,
      );
    });

    app.on("workflow_run.completed", async (context) => {
      const prefix = await prefixOf(context.octokit, repoOf(context.payload));
      await acceptFeedback(
        workflowRunTrigger(context.id, context.payload, prefix),
        context.octokit,
      );
    });

    async function accept(
      event: TriggerEvent,
      command: Command,
      octokit: OctokitLike,
      knownConfig?: RepoConfig,
    ): Promise<void> {
      let config = knownConfig;
      const configFor = async () => (config ??= await repoConfigFor(octokit, event.repo));
      const eventLog = log.child({
        deliveryId: event.deliveryId,
        repo: `${event.repo.owner}/${event.repo.name}`,
        number: event.number,
        actor: event.actor.login,
      });
      // Bots are ignored unless the repository allows them; this app's own events always are
      // (without even reading the configuration).
      const own = deps.botLogin?.toLowerCase();
      const anyBot = isBot(event.actor, deps.botLogin) || isBot(event.sender, deps.botLogin);
      const ownEvent = [event.actor, event.sender].some((a) => a.login.toLowerCase() === own);
      const verdict = !anyBot
        ? "human"
        : ownEvent
          ? "ignored-bot"
          : botVerdict(event, await configFor(), deps.botLogin);
      if (verdict === "ignored-bot") {
        eventLog.debug("ignored: sent by a bot");
        return;
      }
      if (event.installationId === undefined && deps.requireInstallation !== false) {
        eventLog.warn("ignored: the webhook names no installation, so the app cannot act on it");
        return;
      }
      if (!dedupe.firstSeen(event.deliveryId)) {
        eventLog.info("ignored: delivery already handled");
        return;
      }
      // The queue's memory of deliveries outlives this process (a redelivery after a restart).
      const durable = deps.queue.claimDelivery ? deps.queue : undefined;
      let claimed: boolean;
      try {
        claimed = !durable || (await durable.claimDelivery!(event.deliveryId));
      } catch (error) {
        // The store is down: this process must not remember the delivery as handled either.
        dedupe.forget(event.deliveryId);
        throw error;
      }
      if (!claimed) {
        eventLog.info("ignored: delivery already handled (queue store)");
        return;
      }
      try {
        const github = withOutboundRedaction(githubFor(octokit), redactor);
        await authorizeAndEnqueue(event, command, github, eventLog, {
          humanActor: verdict === "human",
          configFor,
        });
        await durable?.settleDelivery?.(event.deliveryId, true);
      } catch (error) {
        // Let a redelivery of this webhook try again.
        dedupe.forget(event.deliveryId);
        await durable?.settleDelivery?.(event.deliveryId, false).catch(() => undefined);
        throw error;
      }
    }

    async function authorizeAndEnqueue(
      event: TriggerEvent,
      command: Command,
      github: GitHub,
      eventLog: Logger,
      trust: { humanActor: boolean; configFor: () => Promise<RepoConfig> },
    ): Promise<void> {
      const { repo, number } = event;
      const actor = event.actor.login;
      const reply = async (template: string, data: Record<string, unknown> = {}) =>
        postReply(
          github,
          repo,
          number,
          event.deliveryId,
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
      // An allowed bot is trusted by the repository's own configuration: apps cannot be
      // collaborators, so GitHub would report no permission for them.
      if (trust.humanActor) {
        const permission = await checkPermission(github, repo, actor);
        if (!permission.allowed) {
          // Anyone may start a line with `/word` without meaning us: no reply for an unknown one.
          if (command.name === "unknown") return;
          eventLog.info({ permission: permission.permission }, "refused: not allowed to trigger");
          await replyOnce("reply-not-allowed.md", { permission: permission.permission });
          return;
        }
      }
      let approvedBodySha256: string | undefined;
      // Whatever starts a run (and spends the model budget) passes approval and quota.
      if (STARTS_RUN.has(command.name)) {
        const config = await trust.configFor();
        const approval = await approvalOf(github, repo, event, config);
        const addedApproval =
          event.addedLabel !== undefined &&
          event.addedLabel === config.trigger.approvalLabel.toLowerCase();
        if (approval.kind === "needs-approval") {
          eventLog.info(
            { author: approval.author },
            "refused: outside contributor's issue, not approved",
          );
          await replyOnce("reply-needs-approval.md", {
            author: approval.author,
            approvalLabel: config.trigger.approvalLabel,
          });
          return;
        }
        // The approval label starts a run only where an approval was needed.
        if (addedApproval && approval.kind === "not-needed") return;
        if (approval.kind === "approved" && event.issueBody !== undefined)
          approvedBodySha256 = issueBodyDigest(event.issueBody);
        const allowance = await quota.take(repo, actor, config.quotas);
        if (!allowance.allowed) {
          eventLog.info({ scope: allowance.scope }, "refused: trigger quota exceeded");
          await replyOnce("reply-quota.md", {
            limit: allowance.limit,
            scopeText:
              allowance.scope === "user"
                ? `for @${actor} in this repository`
                : "in this repository",
            retryAt: allowance.retryAt.toISOString().slice(0, 16).replace("T", " "),
          });
          return;
        }
      }
      const target =
        event.commentId !== undefined ? { commentId: event.commentId } : { issueNumber: number };
      await github.addReaction(repo, target, "eyes");
      const config = await trust.configFor();
      if (command.name !== "generate") {
        const context = { github, queue: deps.queue, event, log: eventLog };
        await handleCommand(
          {
            ...context,
            label: config.trigger.label,
            allowedModes: config.trigger.modes,
            ...(approvedBodySha256 ? { approvedBodySha256 } : {}),
            postReply: (body) => postReply(github, repo, number, event.deliveryId, body),
          },
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
        ...(approvedBodySha256 ? { approvedBodySha256 } : {}),
      });
      // The status comment exists before the job can start, so the worker always finds it
      // (findComment returns the newest one) and never races to create a second one.
      const status =
        (deps.resumedDelivery?.(event.deliveryId)
          ? await findStatusComment(github, repo, number, job.id)
          : undefined) ??
        (await createStatusComment(
          github,
          repo,
          number,
          job.id,
          await queuedStatus(job.id, actor, command.mode, command.instructions),
        ));
      job.statusCommentId = status.id;
      let result: EnqueueResult;
      try {
        const key = issueKey(repo, number);
        result = deps.queue.submit
          ? await deps.queue.submit(job, key)
          : (await deps.queue.enqueue(job, key))
            ? { outcome: "queued", jobId: job.id }
            : { outcome: "folded", jobId: job.id };
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
      if (result.outcome === "behind") {
        eventLog.info({ jobId: job.id, after: result.jobId }, "job queued behind the running one");
        await github.updateComment(
          repo,
          status.id,
          await render("github/reply-queued-behind.md", { actor }),
        );
        return;
      }
      if (result.outcome === "folded") {
        eventLog.info({ into: result.jobId }, "folded into the run already queued or running");
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
      // `patchsmith:tests` and the like: the trigger label with a mode.
      const modeLabels = MODES.map((m) => `${config.trigger.label}:${m}`);
      const event = labeledEvent(context.id, context.payload, config.trigger.label, undefined, [
        config.trigger.approvalLabel,
        ...modeLabels,
      ]);
      if (!event) return;
      const mode = modeOfLabel(context.payload.label?.name, config.trigger.label);
      await accept(event, { name: "generate", mode: mode ?? "implement" }, context.octokit, config);
    });

    app.on("issue_comment.created", async (context) => {
      const command = parseCommand(context.payload.comment.body);
      const { issue, comment } = context.payload;
      if (
        issue.pull_request &&
        (command?.name === "generate" || (!command && mentionsApp(comment.body, appSlug ?? ""))) &&
        isPatchsmithPullRequest(
          { body: issue.body },
          await prefixOf(context.octokit, repoOf(context.payload)),
        )
      ) {
        await acceptFeedback(
          conversationTrigger(commentEvent(context.id, context.payload)),
          context.octokit,
        );
        return;
      }
      if (!command) return;
      await accept(commentEvent(context.id, context.payload), command, context.octokit);
    });
  };
}

/** On a pull request: these; `/generate` gets a pointer, the rest is left to review feedback. */
const PULL_REQUEST_COMMANDS: ReadonlySet<string> = new Set(["undo", "cancel", "help", "unknown"]);
/** Commands that start a run, so pass the outside-contributor approval and the quotas. */
const STARTS_RUN: ReadonlySet<string> = new Set(["generate", "plan", "approve", "retry"]);

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
