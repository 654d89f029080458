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

/**
 * What became of a trigger. `queued`: stored, runs when a worker is free. `behind`: stored,
 * runs after the job already running on the same issue (it asked for something else).
 * `folded`: not stored, the active job `activeJobId` already does this work.
 */
export interface EnqueueResult {
  outcome: "queued" | "behind" | "folded";
  /** The job that will do the work: the new one, or the active one it was folded into. */
  jobId: string;
}

export interface JobQueue {
  /** Returns false when a job with the same dedupe key is already queued or running. */
  enqueue(job: Job, dedupeKey: string): Promise<boolean>;
  /**
   * Like enqueue, saying what happened. The job is stored (durable adapters) before this
   * resolves. Optional so that test doubles need only enqueue.
   */
  submit?(job: Job, dedupeKey: string): Promise<EnqueueResult>;
  /**
   * Durable memory of webhook deliveries (kept at least 3 days): true the first time a
   * delivery id is seen, or when an earlier attempt at it never settled (the receiver died).
   */
  claimDelivery?(deliveryId: string): Promise<boolean>;
  /** `handled`: remember it for good; otherwise forget it so a redelivery runs again. */
  settleDelivery?(deliveryId: string, handled: boolean): Promise<void>;
  /** Jobs waiting or running (the /metrics gauge). Optional for test doubles. */
  depth?(): number;
  process(handler: JobHandler, concurrency: number): void;
  /** Removes a queued job, or aborts the running one's signal. False when there was none. */
  cancel(dedupeKey: string): Promise<boolean>;
  /** Resolves when no job is queued or running (tests, shutdown). */
  drain(): Promise<void>;
  close(): Promise<void>;
}
