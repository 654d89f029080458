/**
 * The acknowledging half of the receiver: the Probot app that serves GitHub's webhooks only
 * filters by event and action and stores the delivery in the Inbox, so GitHub gets its 2xx
 * as soon as the delivery is on disk (or in Redis), and a 5xx when the store is down, which
 * GitHub records as a failed delivery that `patchsmith redeliver` can send again. The work
 * that talks to GitHub (authorize, react, status comment, enqueue) is createApp's, run by
 * the inbox processor after the answer (see startInboxProcessor).
 */
import type { ApplicationFunction, Probot } from "probot";
import type { Inbox, InboxDelivery, Logger } from "./core/index.js";

/** `event.action` pairs createApp acts on; anything else is answered without being stored. */
export const HANDLED_EVENTS: ReadonlySet<string> = new Set([
  "issues.labeled",
  "issue_comment.created",
  "pull_request_review.submitted",
  "pull_request_review_comment.created",
  "check_suite.completed",
  "workflow_run.completed",
]);

export interface IngressDependencies {
  inbox: Inbox;
  logger?: Logger;
  now?: () => number;
}

export function isHandledEvent(name: string, payload: unknown): boolean {
  const action = (payload as { action?: unknown } | null)?.action;
  return typeof action === "string" && HANDLED_EVENTS.has(`${name}.${action}`);
}

// The shape of an Octokit class as Probot takes it: any constructor, instances with auth().
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type OctokitClass = abstract new (...args: any[]) => { auth: (options?: unknown) => unknown };

/**
 * The Octokit class for the Probot that serves webhooks. For every event with handlers,
 * Probot builds an installation client with all its plugins (context.octokit): about 0.5 ms
 * and its garbage per delivery in the bench's profile, on the event loop that answers GitHub, for a client the
 * ingress never calls (the processor makes the GitHub calls, with clients of its own). So an
 * event's client here is one unauthenticated client made once; app.auth() and every other
 * client of this class are as before.
 */
export function withoutEventClients<C extends OctokitClass>(Base: C): C {
  let eventClient: unknown;
  abstract class IngressOctokit extends Base {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...args);
      const auth = this.auth;
      this.auth = (options?: unknown) =>
        (options as { type?: unknown } | undefined)?.type === "event-octokit"
          ? Promise.resolve((eventClient ??= new (Base as unknown as new () => unknown)()))
          : auth(options);
    }
  }
  return IngressOctokit;
}

export function createIngressApp(deps: IngressDependencies): ApplicationFunction {
  const now = deps.now ?? Date.now;
  return (app: Probot) => {
    const log = deps.logger ?? app.log;
    app.onAny(async (context) => {
      if (!isHandledEvent(context.name, context.payload)) return;
      const delivery: InboxDelivery = {
        id: context.id,
        name: context.name,
        payload: context.payload,
        receivedAt: now(),
      };
      // A throw here answers 5xx: GitHub keeps the delivery as failed instead of it being lost.
      const stored = await deps.inbox.put(delivery);
      log.debug({ deliveryId: context.id, event: context.name, stored }, "delivery stored");
    });
  };
}
