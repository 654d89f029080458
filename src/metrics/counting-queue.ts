/** Wraps a JobQueue to know how many jobs it holds (queued or running), for /healthz and the gauge. */
import type { JobQueue } from "../core/index.js";

export function countingQueue(queue: JobQueue): JobQueue & { depth(): number } {
  let depth = 0;
  /** Dedupe key -> job id, for jobs accepted that have not started. */
  const notStarted = new Map<string, string>();
  return {
    enqueue: async (job, key) => {
      const accepted = await queue.enqueue(job, key);
      if (accepted) {
        depth++;
        notStarted.set(key, job.id);
      }
      return accepted;
    },
    process: (handler, concurrency) =>
      queue.process(async (job, context) => {
        for (const [key, id] of notStarted) if (id === job.id) notStarted.delete(key);
        try {
          await handler(job, context);
        } finally {
          depth = Math.max(0, depth - 1);
        }
      }, concurrency),
    cancel: async (key) => {
      const cancelled = await queue.cancel(key);
      // A job cancelled before it started never reaches the handler, so count it out here.
      if (cancelled && notStarted.delete(key)) depth = Math.max(0, depth - 1);
      return cancelled;
    },
    drain: () => queue.drain(),
    close: () => queue.close(),
    depth: () => depth,
  };
}
