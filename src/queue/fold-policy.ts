/**
 * One active job per issue or pull request. A second trigger while one is active is
 * either folded into it (it asks for the same thing: the label and `/generate` arriving
 * together, a repeated `/generate`) or queued behind the running one (new instructions
 * or another mode, or review feedback: work the user expects to see done). At most one job waits
 * behind a running one; anything more folds into the waiting one.
 */
import type { EnqueueResult, Job } from "../core/index.js";

export interface ActiveJob {
  id: string;
  state: "waiting" | "running";
  mode: Job["mode"];
}

export function decide(job: Job, active: readonly ActiveJob[]): EnqueueResult {
  if (active.length === 0) return { outcome: "queued", jobId: job.id };
  // Review feedback and CI repairs carry their own comments or failing run: never folded.
  if (job.kind !== "issue") return { outcome: "behind", jobId: job.id };
  const waiting = active.find((a) => a.state === "waiting");
  if (waiting) return { outcome: "folded", jobId: waiting.id };
  const running = active.find((a) => a.state === "running");
  if (!running) return { outcome: "queued", jobId: job.id };
  const asksForMore = Boolean(job.instructions?.trim()) || job.mode !== running.mode;
  return asksForMore
    ? { outcome: "behind", jobId: job.id }
    : { outcome: "folded", jobId: running.id };
}
