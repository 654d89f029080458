/** A trigger that passed every check becomes a Job; nothing here talks to GitHub. */
import type { Job, Mode, RepoRef, Trigger } from "../core/index.js";

export interface JobRequest {
  deliveryId: string;
  repo: RepoRef;
  installationId?: number;
  number: number;
  actor: string;
  kind: Trigger["kind"];
  commentId?: number;
  /** ISO time of the trigger (comment creation time, or when the label was added). */
  at: string;
  mode: Mode;
  instructions?: string;
  /** Default "issue"; "feedback" and "ci-repair" work on the pull request `number`. */
  jobKind?: Job["kind"];
  feedback?: Job["feedback"];
  ci?: Job["ci"];
  /** Set when a maintainer approved an outside contributor's issue (see Trigger). */
  approvedBodySha256?: string;
}

export function toJob(request: JobRequest): Job {
  const trigger: Trigger = {
    deliveryId: request.deliveryId,
    actor: request.actor,
    kind: request.kind,
    at: request.at,
  };
  if (request.commentId !== undefined) trigger.commentId = request.commentId;
  if (request.approvedBodySha256) trigger.approvedBodySha256 = request.approvedBodySha256;
  const job: Job = {
    id: `${request.repo.owner}/${request.repo.name}#${request.number}@${request.deliveryId}`,
    kind: request.jobKind ?? "issue",
    repo: { owner: request.repo.owner, name: request.repo.name },
    number: request.number,
    trigger,
    mode: request.mode,
  };
  if (request.installationId !== undefined) job.installationId = request.installationId;
  if (request.instructions) job.instructions = request.instructions;
  if (request.feedback) job.feedback = request.feedback;
  if (request.ci) job.ci = request.ci;
  return job;
}
