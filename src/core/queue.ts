/** The JobQueue port. The in-process queue serves one process; durable queues plug in here. */
import type { Job } from "./types.js";

export interface JobContext {
  /**
   * Aborted when the job is cancelled (`/cancel`) or the worker shuts down past its grace
   * period. The pipeline checks it between steps and passes it to long commands.
   */
  signal: AbortSignal;
  /** 1 on the first attempt; higher when a queue runs the job again (retry, lost lease). */
  attempt: number;
}

export type JobHandler = (job: Job, context: JobContext) => Promise<void>;

export interface JobQueue {
  /** Returns false when a job with the same dedupe key is already queued or running. */
  enqueue(job: Job, dedupeKey: string): Promise<boolean>;
  process(handler: JobHandler, concurrency: number): void;
  /** Removes a queued job, or aborts the running one's signal. False when there was none. */
  cancel(dedupeKey: string): Promise<boolean>;
  /** Resolves when no job is queued or running (tests, shutdown). */
  drain(): Promise<void>;
  close(): Promise<void>;
}
