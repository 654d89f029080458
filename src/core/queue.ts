/** The JobQueue port. The in-process queue serves one process; durable queues plug in here. */
import type { Job } from "./types.js";

export type JobHandler = (job: Job) => Promise<void>;

export interface JobQueue {
  /** Returns false when a job with the same dedupe key is already queued or running. */
  enqueue(job: Job, dedupeKey: string): Promise<boolean>;
  process(handler: JobHandler, concurrency: number): void;
  cancel(dedupeKey: string): Promise<boolean>;
  /** Resolves when no job is queued or running (tests, shutdown). */
  drain(): Promise<void>;
  close(): Promise<void>;
}
