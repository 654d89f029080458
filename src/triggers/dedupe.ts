/**
 * GitHub may deliver the same webhook more than once (redeliveries, retries after a slow
 * answer), each time with the same X-GitHub-Delivery id. A bounded, time-limited memory
 * of recent ids drops the repeats; the per-issue key lets the queue refuse a second run
 * of an issue while one is queued or running.
 */
import type { RepoRef } from "../core/index.js";

export interface RecentlySeen {
  /** True the first time a key is seen within the TTL; false for a repeat. */
  firstSeen(key: string): boolean;
  /** Forgets a key, e.g. so that a redelivery of a failed webhook is processed again. */
  forget(key: string): void;
  readonly size: number;
}

/** Recently seen X-GitHub-Delivery ids. */
export type DeliveryDedupe = RecentlySeen;

export function createDeliveryDedupe(
  options: { maxEntries?: number; ttlMs?: number; now?: () => number } = {},
): DeliveryDedupe {
  return createRecentlySeen(options);
}

/** A bounded, time-limited set of keys: the oldest go first when it is full. */
export function createRecentlySeen(
  options: { maxEntries?: number; ttlMs?: number; now?: () => number } = {},
): RecentlySeen {
  const maxEntries = options.maxEntries ?? 10_000;
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000;
  const now = options.now ?? Date.now;
  // A Map keeps insertion order, so the first entry is always the oldest one to evict.
  const seen = new Map<string, number>();

  return {
    firstSeen(key) {
      const time = now();
      const at = seen.get(key);
      if (at !== undefined && time - at < ttlMs) return false;
      seen.delete(key);
      seen.set(key, time);
      for (const [id, firstAt] of seen) {
        if (seen.size <= maxEntries && time - firstAt < ttlMs) break;
        seen.delete(id);
      }
      return true;
    },
    forget(key) {
      seen.delete(key);
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
