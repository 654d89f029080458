/**
 * Trigger quotas: how many runs one person, and one repository, may start per hour. Counted in
 * the receiver behind a small interface, so that a durable store (the queue's SQLite or Redis)
 * can back it when receivers run as several processes; the default is an in-memory sliding
 * window, which forgets on restart and is per process.
 */
import type { RepoRef } from "../core/index.js";

export interface QuotaLimits {
  perUserPerHour: number;
  perRepoPerHour: number;
}

export type QuotaDecision =
  | { allowed: true }
  | { allowed: false; scope: "user" | "repository"; limit: number; retryAt: Date };

export interface TriggerQuota {
  /** Counts the trigger when it fits both windows; refuses (without counting) otherwise. */
  take(repo: RepoRef, user: string, limits: QuotaLimits): Promise<QuotaDecision>;
}

const HOUR_MS = 60 * 60 * 1000;

export function createMemoryQuota(
  options: { now?: () => number; windowMs?: number; maxKeys?: number } = {},
): TriggerQuota {
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? HOUR_MS;
  const maxKeys = options.maxKeys ?? 50_000;
  const hits = new Map<string, number[]>();

  const recent = (key: string, time: number): number[] => {
    const kept = (hits.get(key) ?? []).filter((t) => time - t < windowMs);
    if (kept.length === 0) hits.delete(key);
    else hits.set(key, kept);
    return kept;
  };

  return {
    async take(repo, user, limits) {
      const time = now();
      const repoKey = `${repo.owner}/${repo.name}`.toLowerCase();
      const userKey = `${repoKey} ${user.toLowerCase()}`;
      const checks = [
        { key: userKey, scope: "user" as const, limit: limits.perUserPerHour },
        { key: repoKey, scope: "repository" as const, limit: limits.perRepoPerHour },
      ];
      for (const { key, scope, limit } of checks) {
        const times = recent(key, time);
        if (times.length >= limit) {
          return { allowed: false, scope, limit, retryAt: new Date(times[0]! + windowMs) };
        }
      }
      for (const { key } of checks) hits.set(key, [...recent(key, time), time]);
      // Bounded memory: the oldest keys go first.
      while (hits.size > maxKeys) hits.delete(hits.keys().next().value!);
      return { allowed: true };
    },
  };
}
