/**
 * GitHub may deliver the same webhook more than once (redeliveries, retries after a slow
 * answer), each time with the same X-GitHub-Delivery id. A bounded, time-limited memory
 * of recent ids drops the repeats; the per-issue key lets the queue refuse a second run
 * of an issue while one is queued or running.
 */
import type { RepoRef } from "../core/index.js";

export interface DeliveryDedupe {
  /** True the first time an id is seen within the TTL; false for a repeat. */
  firstSeen(deliveryId: string): boolean;
  /** Forgets an id, so that a redelivery of a failed webhook is processed again. */
  forget(deliveryId: string): void;
  readonly size: number;
}

export function createDeliveryDedupe(
  options: { maxEntries?: number; ttlMs?: number; now?: () => number } = {},
): DeliveryDedupe {
  const maxEntries = options.maxEntries ?? 10_000;
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000;
  const now = options.now ?? Date.now;
  // A Map keeps insertion order: the first key is the oldest, which makes it an LRU.
  const seen = new Map<string, number>();

  return {
    firstSeen(deliveryId) {
      const time = now();
      const at = seen.get(deliveryId);
      if (at !== undefined && time - at < ttlMs) return false;
      seen.delete(deliveryId);
      seen.set(deliveryId, time);
      for (const [id, firstAt] of seen) {
        if (seen.size <= maxEntries && time - firstAt < ttlMs) break;
        seen.delete(id);
      }
      return true;
    },
    forget(deliveryId) {
      seen.delete(deliveryId);
    },
    get size() {
      return seen.size;
    },
  };
}

/** The queue's dedupe key for work on one issue or pull request. */
export function issueKey(repo: RepoRef, number: number): string {
  return `${repo.owner}/${repo.name}#${number}`.toLowerCase();
}
