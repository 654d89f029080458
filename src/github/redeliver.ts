/**
 * Redelivers the app's failed webhook deliveries (`patchsmith redeliver --since 1h`): a
 * webhook that got a 5xx (the queue was down, the server restarted) is asked for again,
 * and the receiver's delivery memory makes sure one that did get through is not doubled.
 * Needs an Octokit authenticated as the app (JWT), not as an installation.
 */
import type { OctokitLike } from "./octokit-like.js";
import { toRemoteError } from "./remote-error.js";

interface ApiDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  status_code: number;
  event: string;
  action?: string | null;
}

export interface RedeliverResult {
  /** Delivery guids (X-GitHub-Delivery) redelivered, or that would be with dryRun. */
  redelivered: { guid: string; event: string; deliveredAt: string }[];
  /** Failed guids whose redelivery request itself failed. */
  failed: { guid: string; error: string }[];
  /** Deliveries looked at (all attempts since `since`). */
  scanned: number;
}

const ok = (d: ApiDelivery) => d.status_code >= 200 && d.status_code < 300;

export async function redeliverFailed(
  appOctokit: OctokitLike,
  options: { since: Date; dryRun?: boolean },
): Promise<RedeliverResult> {
  const since = options.since.getTime();
  const attempts: ApiDelivery[] = [];
  // Newest first; pages are linked by a cursor. Stop at the first page older than `since`.
  let cursor: string | undefined;
  for (;;) {
    let page: { data: unknown; headers: Record<string, unknown> };
    try {
      page = await appOctokit.request("GET /app/hook/deliveries", {
        per_page: 100,
        ...(cursor ? { cursor } : {}),
      });
    } catch (error) {
      throw toRemoteError("listing the app's webhook deliveries", error);
    }
    const data = page.data as ApiDelivery[];
    const recent = data.filter((d) => Date.parse(d.delivered_at) >= since);
    attempts.push(...recent);
    const next = /<[^>]*[?&]cursor=([^&>]+)[^>]*>;\s*rel="next"/.exec(
      String(page.headers.link ?? ""),
    );
    if (!next || recent.length < data.length || data.length === 0) break;
    cursor = decodeURIComponent(next[1]!);
  }

  // A guid can have several attempts (earlier redeliveries); it is done if any succeeded.
  const byGuid = new Map<string, ApiDelivery[]>();
  for (const d of attempts) byGuid.set(d.guid, [...(byGuid.get(d.guid) ?? []), d]);
  const result: RedeliverResult = { redelivered: [], failed: [], scanned: attempts.length };
  for (const [guid, list] of byGuid) {
    if (list.some(ok)) continue;
    const latest = list[0]!;
    try {
      if (!options.dryRun) {
        await appOctokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", {
          delivery_id: latest.id,
        });
      }
      result.redelivered.push({
        guid,
        event: latest.action ? `${latest.event}.${latest.action}` : latest.event,
        deliveredAt: latest.delivered_at,
      });
    } catch (error) {
      result.failed.push({ guid, error: toRemoteError("redelivering a webhook", error).message });
    }
  }
  return result;
}

/** "90s", "30m", "1h", "3d" → milliseconds; undefined when it is none of those. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as "s" | "m" | "h" | "d"
  ];
  return Number(match[1]) * unit;
}
