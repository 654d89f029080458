/**
 * Narrows the two trigger webhooks to what the receiver needs. The shapes are structural
 * so that Probot's typed payloads fit and tests can build minimal ones; a payload that
 * lacks what a trigger needs is a clear error, not an undefined deep inside.
 */
import { MODES, type Mode, type RepoRef } from "../core/index.js";
import type { Actor } from "./is-bot.js";

interface PayloadBase {
  repository: { name: string; owner: { login: string } };
  installation?: { id: number } | null;
  sender: Actor;
  issue: {
    number: number;
    pull_request?: unknown;
    body?: string | null;
    user?: Actor | null;
    labels?: ({ name: string } | string)[] | null;
  };
}

export interface LabeledPayload extends PayloadBase {
  label?: { name: string } | null;
  issue: PayloadBase["issue"] & { updated_at?: string };
}

export interface CommentPayload extends PayloadBase {
  comment: { id: number; body: string; created_at: string; user: Actor | null };
}

export interface TriggerEvent {
  deliveryId: string;
  repo: RepoRef;
  installationId?: number;
  number: number;
  /** `issue_comment` fires for pull request conversations too. */
  isPullRequest: boolean;
  /** Who acted: the commenter, or who added the label. */
  actor: Actor;
  /** The webhook's sender; the same as actor except in odd cases, and checked for bots too. */
  sender: Actor;
  kind: "label" | "comment";
  commentId?: number;
  commentBody?: string;
  at: string;
  /** Who opened the issue; an outside contributor's issue needs the approval label. */
  issueAuthor?: Actor;
  /** The issue's labels as the webhook saw them (lower case). */
  issueLabels: string[];
  /** The label this event added (label events only). */
  addedLabel?: string;
  /** The issue body as the webhook carried it. */
  issueBody?: string;
}

function base(deliveryId: string, payload: PayloadBase): Omit<TriggerEvent, "kind" | "at"> {
  if (
    !payload.repository?.owner?.login ||
    !payload.issue ||
    typeof payload.issue.number !== "number"
  ) {
    throw new Error(`webhook ${deliveryId} has no repository or issue; it cannot trigger a run`);
  }
  const event: Omit<TriggerEvent, "kind" | "at"> = {
    deliveryId,
    repo: { owner: payload.repository.owner.login, name: payload.repository.name },
    number: payload.issue.number,
    isPullRequest: payload.issue.pull_request !== undefined && payload.issue.pull_request !== null,
    actor: payload.sender,
    sender: payload.sender,
    issueLabels: (payload.issue.labels ?? []).map((l) =>
      (typeof l === "string" ? l : l.name).toLowerCase(),
    ),
  };
  if (payload.issue.user) event.issueAuthor = payload.issue.user;
  if (typeof payload.issue.body === "string") event.issueBody = payload.issue.body;
  if (payload.installation?.id !== undefined) event.installationId = payload.installation.id;
  return event;
}

/**
 * The event when the added label is the trigger label, or one of `alsoLabels` (the approval
 * label), compared as GitHub does, ignoring case.
 */
export function labeledEvent(
  deliveryId: string,
  payload: LabeledPayload,
  triggerLabel: string,
  now: () => Date = () => new Date(),
  alsoLabels: string[] = [],
): TriggerEvent | undefined {
  const added = payload.label?.name.toLowerCase();
  if (!added || ![triggerLabel, ...alsoLabels].some((l) => l.toLowerCase() === added))
    return undefined;
  return {
    ...base(deliveryId, payload),
    kind: "label",
    at: now().toISOString(),
    addedLabel: added,
  };
}

/**
 * `patchsmith:tests`, `patchsmith:refactor`, `patchsmith:docs` (and `patchsmith:implement`):
 * the trigger label with a mode after a colon, compared ignoring case.
 */
export function modeOfLabel(name: string | undefined, triggerLabel: string): Mode | undefined {
  if (!name) return undefined;
  const prefix = `${triggerLabel.toLowerCase()}:`;
  const lower = name.toLowerCase();
  if (!lower.startsWith(prefix)) return undefined;
  return MODES.find((m) => m === lower.slice(prefix.length));
}

export function commentEvent(deliveryId: string, payload: CommentPayload): TriggerEvent {
  if (!payload.comment) throw new Error(`webhook ${deliveryId} has no comment`);
  return {
    ...base(deliveryId, payload),
    // The comment's author, not only the sender, must be human: they differ for edits by others.
    actor: payload.comment.user ?? payload.sender,
    kind: "comment",
    commentId: payload.comment.id,
    commentBody: payload.comment.body,
    at: payload.comment.created_at,
  };
}
