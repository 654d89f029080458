/**
 * Bots never trigger a run: not other apps (a loop between two bots costs money fast)
 * and above all not this app itself, whose own status comments arrive as webhooks too.
 */
export interface Actor {
  login: string;
  type?: string;
}

export function isBot(actor: Actor | null | undefined, ownLogin?: string): boolean {
  if (!actor) return true;
  const login = actor.login.toLowerCase();
  if (actor.type === "Bot") return true;
  if (login.endsWith("[bot]")) return true;
  return ownLogin !== undefined && login === ownLogin.toLowerCase();
}
