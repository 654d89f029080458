/**
 * The commands other than `/generate`, once the receiver has filtered bots, de-duplicated the
 * delivery and checked that the commenter may write. Each answers with 🚀 when done and 😕
 * (and a reply saying why) when refused; the 👀 came first, from the receiver.
 *
 * What a continuation needs (mode, instructions, plan, base commit) comes from the status
 * comment's hidden marker, never from memory, so any worker after any restart can continue.
 */
import type { GitHub, Job, JobQueue, Logger, Mode, RepoRef } from "../core/index.js";
import { render } from "../core/index.js";
import {
  readPlanFromComment,
  readRunState,
  renderStatus,
  STATUS_MARKER,
  type RunState,
} from "../publish/index.js";
import { issueKey, toJob, type Command, type TriggerEvent } from "../triggers/index.js";

export interface CommandContext {
  github: GitHub;
  queue: JobQueue;
  event: TriggerEvent;
  label: string;
  allowedModes: readonly Mode[];
  log: Logger;
  /** An outside contributor's issue, approved: the digest of the body that was approved. */
  approvedBodySha256?: string;
  /**
   * Posts the command's reply on the thread: the receiver's, which marks it with the delivery
   * id, so a delivery handled again after a crash does not post it twice.
   */
  postReply: (body: string) => Promise<void>;
}

/** undefined: the job was queued, and the worker reacts when it ends. */
type Reaction = "rocket" | "confused" | undefined;

export async function handleCommand(
  ctx: CommandContext,
  command: Exclude<Command, { name: "generate" }>,
): Promise<void> {
  const reaction = await dispatch(ctx, command);
  if (ctx.event.commentId === undefined || reaction === undefined) return;
  await ctx.github.addReaction(ctx.event.repo, { commentId: ctx.event.commentId }, reaction);
}

async function dispatch(
  ctx: CommandContext,
  command: Exclude<Command, { name: "generate" }>,
): Promise<Reaction> {
  switch (command.name) {
    case "help":
      await reply(ctx, "reply-help.md", { modes: modeList(ctx.allowedModes) });
      return "rocket";
    case "unknown":
      await reply(ctx, "reply-help.md", {
        unknown: command.word,
        modes: modeList(ctx.allowedModes),
      });
      return "confused";
    case "cancel":
      return cancel(ctx);
    case "undo":
      return undo(ctx);
    case "approve":
    case "plan":
    case "retry":
      if (ctx.event.isPullRequest) {
        return refuse(
          ctx,
          `\`/${command.name}\` works on the issue of a run, not on its pull request.`,
        );
      }
      return continueRun(ctx, command);
  }
}

export function modeList(modes: readonly Mode[]): string {
  return modes.map((m) => `\`${m}\``).join(", ");
}

async function reply(ctx: CommandContext, template: string, data: Record<string, unknown> = {}) {
  const body = await render(`github/${template}`, {
    actor: ctx.event.actor.login,
    label: ctx.label,
    ...data,
  });
  await ctx.postReply(body);
}

async function refuse(ctx: CommandContext, message: string): Promise<Reaction> {
  ctx.log.info({ message }, "command refused");
  await reply(ctx, "reply-command-refused.md", { message });
  return "confused";
}

async function statusOf(
  github: GitHub,
  repo: RepoRef,
  number: number,
): Promise<{ id: number; body: string; state?: RunState } | undefined> {
  const comment = await github.findComment(repo, number, STATUS_MARKER);
  if (!comment) return undefined;
  const state = readRunState(comment.body);
  return state ? { ...comment, state } : comment;
}

async function cancel(ctx: CommandContext): Promise<Reaction> {
  const { github, event } = ctx;
  let cancelled = await ctx.queue.cancel(issueKey(event.repo, event.number));
  ctx.log.info({ cancelled }, "cancel requested");
  const status = await statusOf(github, event.repo, event.number);
  // A plan waiting for approval has no job; cancelling it means no `/approve` continues it.
  const waiting = !cancelled && status?.state?.outcome === "waiting";
  if (waiting) cancelled = true;
  if (cancelled) {
    // A job removed before it started never writes its status; a running one writes its own.
    const queuedOnly = status?.state?.step === "queued" && status.state.outcome === "running";
    if (status?.state && (queuedOnly || waiting)) {
      await github.updateComment(
        event.repo,
        status.id,
        await renderStatus({
          ...viewOf(status.state),
          actor: event.actor.login,
          current: waiting ? "plan" : "queued",
          outcome: "cancelled",
        }),
      );
    }
  }
  await reply(ctx, "reply-cancelled.md", { cancelled });
  return cancelled ? "rocket" : "confused";
}

function viewOf(state: RunState) {
  return {
    jobId: state.job,
    ...(state.mode ? { mode: state.mode } : {}),
    ...(state.instructions ? { instructions: state.instructions } : {}),
    ...(state.plan ? { plan: state.plan } : {}),
    ...(state.baseSha ? { baseSha: state.baseSha } : {}),
    ...(state.approvedBy ? { approvedBy: state.approvedBy } : {}),
  };
}

async function continueRun(
  ctx: CommandContext,
  command: Extract<Command, { name: "approve" | "plan" | "retry" }>,
): Promise<Reaction> {
  const { github, event } = ctx;
  const actor = event.actor.login;
  const status = await statusOf(github, event.repo, event.number);
  const state = status?.state;
  let view: Partial<ReturnType<typeof viewOf>> = {};
  const mode: Mode = state?.mode ?? "implement";
  let instructions = state?.instructions;

  if (command.name === "approve") {
    if (!status || !state || state.outcome !== "waiting") {
      return refuse(
        ctx,
        "there is no plan waiting for approval on this issue. Comment `/plan` to make one (it waits for `/approve`), or `/generate` to run straight through.",
      );
    }
    const reading = readPlanFromComment(status.body);
    if ("problem" in reading) {
      return refuse(
        ctx,
        `the plan could not be read back from the status comment: ${reading.problem}. Fix the plan there (a summary, then numbered steps), or comment \`/plan\` to plan again.`,
      );
    }
    // Frozen here: later edits of the comment do not change what was approved.
    view = { ...viewOf(state), plan: reading.plan, approvedBy: actor };
  } else if (command.name === "retry") {
    if (!status || !state || (state.outcome !== "failed" && state.outcome !== "cancelled")) {
      return refuse(
        ctx,
        "the last run on this issue did not fail, so there is nothing to retry. Comment `/generate` to start a new one.",
      );
    }
    view = viewOf(state);
  } else {
    if (command.instructions) instructions = command.instructions;
  }
  if (!ctx.allowedModes.includes(mode)) {
    return refuse(
      ctx,
      `mode \`${mode}\` is not allowed here; allowed: ${modeList(ctx.allowedModes)}.`,
    );
  }

  const job: Job = {
    ...toJob({
      deliveryId: event.deliveryId,
      repo: event.repo,
      ...(event.installationId !== undefined ? { installationId: event.installationId } : {}),
      number: event.number,
      actor,
      kind: event.kind,
      ...(event.commentId !== undefined ? { commentId: event.commentId } : {}),
      at: event.at,
      mode,
      ...(instructions ? { instructions } : {}),
      ...(ctx.approvedBodySha256 ? { approvedBodySha256: ctx.approvedBodySha256 } : {}),
    }),
    command: command.name,
  };
  const queuedBody = await renderStatus({
    ...view,
    ...(instructions ? { instructions } : {}),
    mode,
    jobId: job.id,
    actor,
    current: "queued",
    outcome: "running",
  });
  // /approve and /retry edit the run's own status comment: it carries the state they continue.
  // /plan starts a new one, unless the newest is already its own: this delivery's job id, from
  // an earlier try that stopped before the job was queued.
  const editStatus = status && (command.name !== "plan" || state?.job === job.id);
  const statusId = editStatus
    ? (await github.updateComment(event.repo, status.id, queuedBody), status.id)
    : (await github.createComment(event.repo, event.number, queuedBody)).id;
  job.statusCommentId = statusId;
  const queued = await ctx.queue.enqueue(job, issueKey(event.repo, event.number));
  if (!queued) {
    // Leave no "queued" status behind for a job that does not exist.
    if (status && command.name !== "plan")
      await github.updateComment(event.repo, statusId, status.body);
    else {
      const note = await render("github/reply-already-running.md", { actor });
      await github.updateComment(event.repo, statusId, note);
    }
    return refuse(ctx, "a run for this issue is already queued or running; `/cancel` it first.");
  }
  ctx.log.info({ jobId: job.id, command: command.name }, "continuation queued");
  return undefined;
}

async function undo(ctx: CommandContext): Promise<Reaction> {
  const { event } = ctx;
  if (!event.isPullRequest) {
    return refuse(ctx, "`/undo` works on a pull request opened by patchsmith; comment it there.");
  }
  const job: Job = {
    ...toJob({
      deliveryId: event.deliveryId,
      repo: event.repo,
      ...(event.installationId !== undefined ? { installationId: event.installationId } : {}),
      number: event.number,
      actor: event.actor.login,
      kind: event.kind,
      ...(event.commentId !== undefined ? { commentId: event.commentId } : {}),
      at: event.at,
      mode: "implement",
    }),
    command: "undo",
  };
  const queued = await ctx.queue.enqueue(job, issueKey(event.repo, event.number));
  if (!queued) {
    return refuse(
      ctx,
      "patchsmith is working on this pull request right now; `/undo` again when it is done.",
    );
  }
  return undefined;
}
