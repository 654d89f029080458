/**
 * The Inbox port: webhook deliveries stored before they are acknowledged. The receiver's
 * HTTP handler only filters and stores (so GitHub gets its answer in milliseconds, and a
 * store that is down answers 5xx, which GitHub records as a failed delivery to redeliver);
 * everything that talks to GitHub (permission, reactions, the status comment, enqueueing
 * the job) happens after the answer, in an inbox processor. A delivery whose processing
 * was cut short (the process died) is handed out again, so nothing acknowledged is lost.
 */

export interface InboxDelivery {
  /** GitHub's delivery id (X-GitHub-Delivery); the unit of de-duplication. */
  id: string;
  /** The event name (X-GitHub-Event), e.g. "issues" or "issue_comment". */
  name: string;
  /** The webhook payload as received. */
  payload: unknown;
  /** When the receiver stored it (ms since the epoch). */
  receivedAt: number;
}

export interface InboxContext {
  /** 1 on the first try; higher when processing is tried again (an error, a dead process). */
  attempt: number;
}

export type InboxHandler = (delivery: InboxDelivery, context: InboxContext) => Promise<void>;

export interface Inbox {
  /**
   * Stores the delivery durably. `stored`: new; `duplicate`: this delivery id was stored
   * before (ids are remembered at least 3 days), so it must not be handled again. Throws
   * when the store cannot be reached: the webhook then answers 5xx.
   */
  put(delivery: InboxDelivery): Promise<"stored" | "duplicate">;
  /**
   * Hands stored deliveries to the handler, `concurrency` at a time, oldest first. A
   * handler that throws a retryable error gets the delivery again with backoff (a few
   * attempts); a delivery left in flight by a process that died is handed out again.
   */
  process(handler: InboxHandler, concurrency: number): void;
  /** Deliveries stored and not yet handled (the /metrics gauge). */
  pending(): Promise<number>;
  /** Resolves when nothing stored is waiting or in flight (tests, benchmarks). */
  drain(): Promise<void>;
  close(): Promise<void>;
}
