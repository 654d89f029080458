/**
 * `/undo` on a patchsmith pull request: the commits at the head that carry the same
 * `Patchsmith-Job` trailer are the bot's last round; one revert commit undoes them, pushed on
 * top like any other commit (never a force-push, so nobody's work is rewritten).
 */
import type { CommitInfo, GitHub, Job, Logger, Workspace } from "../core/index.js";
import { PR_MARKER } from "../publish/index.js";
import { PatchsmithError, render, userMessageOf } from "../core/index.js";

export interface UndoDeps {
  github: GitHub;
  workspace: Workspace;
  bot: { name: string; email: string };
  logger: Logger;
  signal?: AbortSignal;
}

export interface UndoOutcome {
  status: "reverted" | "refused";
  revertSha?: string;
  reverted?: string[];
  message?: string;
}

const JOB_TRAILER = /^Patchsmith-Job:\s*(\S+)\s*$/im;
const MAX_ROUND = 100;

function jobOf(commit: CommitInfo): string | undefined {
  return JOB_TRAILER.exec(commit.message)?.[1];
}

/** The newest commits sharing the head commit's job trailer; empty when the head is not the bot's. */
export function lastRound(commits: CommitInfo[]): { job: string; shas: string[] } | undefined {
  const job = commits[0] ? jobOf(commits[0]) : undefined;
  if (!job) return undefined;
  const shas: string[] = [];
  for (const commit of commits) {
    if (jobOf(commit) !== job) break;
    shas.push(commit.sha);
  }
  return { job, shas };
}

function refuse(message: string): never {
  throw new PatchsmithError(message, { phase: "publish", userMessage: message });
}

export async function runUndoJob(job: Job, deps: UndoDeps): Promise<UndoOutcome> {
  const { github } = deps;
  const log = deps.logger.child({ job: job.id, pr: job.number });
  const reply = (data: Record<string, unknown>) =>
    render("github/reply-undo.md", { actor: job.trigger.actor, ...data }).then((body) =>
      github.createComment(job.repo, job.number, body),
    );
  const react = (reaction: "rocket" | "confused") =>
    job.trigger.commentId === undefined
      ? Promise.resolve()
      : github
          .addReaction(job.repo, { commentId: job.trigger.commentId }, reaction)
          .catch((error: unknown) => log.warn({ err: String(error) }, "could not react"));
  let checkout;
  try {
    const pull = await github.getPullRequest(job.repo, job.number);
    if (!pull.body.includes(PR_MARKER)) refuse("this pull request was not opened by patchsmith.");
    const token = await github.getRepositoryToken(job.repo);
    checkout = await deps.workspace.prepare({
      repo: job.repo,
      baseRef: pull.base,
      branch: pull.head,
      existingBranch: true,
      ...(token ? { token } : {}),
    });
    const round = lastRound(await checkout.recentCommits(MAX_ROUND));
    if (!round) {
      refuse(
        "the newest commit on the branch is not one of the bot's (it has no `Patchsmith-Job` trailer); `/undo` reverts only the bot's own last round, so revert other commits by hand.",
      );
    }
    if (deps.signal?.aborted) refuse("the undo was cancelled.");
    const message = await render("github/commit-revert.md", {
      count: round.shas.length,
      round: round.job,
      shas: round.shas,
      actor: job.trigger.actor,
    });
    const revertSha = await checkout.revertCommits(round.shas, message, deps.bot);
    await checkout.push();
    log.info({ reverted: round.shas, revertSha }, "last round reverted");
    await reply({ done: true, round: round.job, count: round.shas.length, sha: revertSha });
    await react("rocket");
    return { status: "reverted", revertSha, reverted: round.shas };
  } catch (error) {
    const message = userMessageOf(error);
    log.warn({ err: error instanceof Error ? error.message : String(error) }, "undo refused");
    await reply({ done: false, message }).catch(() => undefined);
    await react("confused");
    return { status: "refused", message };
  } finally {
    await checkout?.dispose().catch(() => undefined);
  }
}
