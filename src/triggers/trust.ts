/**
 * Who may have patchsmith work on what, beyond "the actor has write access":
 * - bots are ignored unless the repository lists them in `trigger.allowedBots` (this app
 *   itself never is: its own comments arrive as webhooks too);
 * - an issue opened by someone without write access is worked on only once a maintainer has
 *   applied `trigger.approvalLabel`: the issue text is what the model reads, and on a public
 *   repository anyone can write it.
 */
import type { GitHub, RepoRef } from "../core/index.js";
import { TRIGGER_PERMISSIONS } from "./check-permission.js";
import { isBot, type Actor } from "./is-bot.js";
import type { TriggerEvent } from "./events.js";

export interface TrustConfig {
  trigger: { label: string; approvalLabel: string; allowedBots: string[] };
}

export type BotVerdict = "human" | "allowed-bot" | "ignored-bot";

/** How the receiver treats the actor and sender of an event. */
export function botVerdict(
  event: Pick<TriggerEvent, "actor" | "sender">,
  config: TrustConfig | undefined,
  ownLogin?: string,
): BotVerdict {
  const actors = [event.actor, event.sender];
  if (!actors.some((a) => isBot(a, ownLogin))) return "human";
  const allowed = new Set((config?.trigger.allowedBots ?? []).map((b) => b.toLowerCase()));
  const own = ownLogin?.toLowerCase();
  const accepted = (a: Actor) =>
    !isBot(a, ownLogin) || (allowed.has(a.login.toLowerCase()) && a.login.toLowerCase() !== own);
  return actors.every(accepted) ? "allowed-bot" : "ignored-bot";
}

export type ApprovalVerdict =
  { kind: "not-needed" } | { kind: "approved" } | { kind: "needs-approval"; author: string };

/**
 * Whether the issue's author is trusted, or a maintainer approved the issue with the label.
 * Asks GitHub only when the author is someone other than the (already checked) actor.
 */
export async function approvalOf(
  github: Pick<GitHub, "getPermission">,
  repo: RepoRef,
  event: Pick<TriggerEvent, "actor" | "issueAuthor" | "issueLabels" | "addedLabel">,
  config: TrustConfig,
): Promise<ApprovalVerdict> {
  const author = event.issueAuthor;
  if (!author || author.login.toLowerCase() === event.actor.login.toLowerCase())
    return { kind: "not-needed" };
  const allowedBots = config.trigger.allowedBots.map((b) => b.toLowerCase());
  if (isBot(author) && allowedBots.includes(author.login.toLowerCase()))
    return { kind: "not-needed" };
  if (!isBot(author)) {
    const permission = await github.getPermission(repo, author.login);
    if (TRIGGER_PERMISSIONS.includes(permission)) return { kind: "not-needed" };
  }
  const label = config.trigger.approvalLabel.toLowerCase();
  if (event.addedLabel === label || event.issueLabels.includes(label)) return { kind: "approved" };
  return { kind: "needs-approval", author: author.login };
}
