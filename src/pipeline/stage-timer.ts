import type { StageTiming } from "../core/index.js";

/** Records how long each stage took, for the run report. */
export class StageTimer {
  readonly timings: StageTiming[] = [];

  async time<T>(stage: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      const ms = Math.round(performance.now() - started);
      const existing = this.timings.find((t) => t.stage === stage);
      if (existing) existing.ms += ms;
      else this.timings.push({ stage, ms });
    }
  }
}
