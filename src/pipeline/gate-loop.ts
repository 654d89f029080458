/**
 * The implement ⇄ gate loop shared by issue and feedback jobs: run the gate, drop what the
 * repository's tools left behind, and repair while the gate fails and rounds remain.
 */
import type {
  Checkout,
  GateReport,
  Logger,
  Mode,
  Phase,
  RepoProfile,
  RunReport,
} from "../core/index.js";
import { CancelledError } from "../core/index.js";
import type { RepoConfig } from "../config/index.js";
import { repairInstructions, runGate } from "../gate/index.js";
import { afterGate } from "./repair-routing.js";
import type { PipelineDeps } from "./run-issue-job.js";
import type { StageTimer } from "./stage-timer.js";

export interface GateLoopProgress {
  repairRounds: number;
  gateRounds: RunReport["gateRounds"];
}

export interface GateLoopInput {
  work: Checkout;
  profile: RepoProfile;
  config: RepoConfig;
  deps: Pick<PipelineDeps, "runnerFor" | "cacheDir" | "signal">;
  /** The run's mode and instructions: what the gate insists on beyond the checks. */
  mode?: Mode;
  instructions?: string;
  log: Logger;
  timer: StageTimer;
  /** Counters the caller reads for its run report; updated as the loop goes. */
  progress: GateLoopProgress;
  setPhase(phase: Phase): void;
  /** Before each gate run and each repair, for the status comment. */
  onStep?(step: "gate" | "implement", repairRounds: number): Promise<void>;
  /** One repair round: the model gets the gate's findings. */
  repair(feedback: string): Promise<void>;
}

export async function runGateLoop(input: GateLoopInput): Promise<GateReport> {
  const { work, config, log, timer, progress } = input;
  for (;;) {
    input.setPhase("gate");
    if (input.deps.signal?.aborted) throw new CancelledError();
    const changedByModel = new Set(await work.changedFiles());
    await input.onStep?.("gate", progress.repairRounds);
    const gate = await timer.time("gate", () =>
      runGate({
        dir: work.dir,
        baseSha: work.baseSha,
        profile: input.profile,
        settings: { gate: config.gate, policy: config.policy, commands: config.commands },
        runnerFor: input.deps.runnerFor,
        cacheDir: input.deps.cacheDir,
        logger: log,
        ...(input.mode ? { mode: input.mode } : {}),
        ...(input.instructions ? { instructions: input.instructions } : {}),
        ...(input.deps.signal ? { signal: input.deps.signal } : {}),
      }),
    );
    // Installing and running the repository's tools can leave files behind (a new
    // lockfile, build output that is not ignored): only the model's changes, and the
    // formatter's fixes to them, belong in the pull request.
    const leftovers = (await work.changedFiles()).filter((file) => !changedByModel.has(file));
    if (leftovers.length > 0) {
      log.info({ files: leftovers }, "discarding files the gate's commands changed");
      await work.discardChanges(leftovers);
    }
    progress.gateRounds.push({
      round: progress.repairRounds,
      passed: gate.passed,
      score: gate.score,
      blocking: gate.checks.filter((c) => c.blocking).map((c) => c.name),
    });
    const next = afterGate({
      passed: gate.passed,
      repairsDone: progress.repairRounds,
      maxRepairRounds: config.gate.repairRounds,
    });
    if (input.deps.signal?.aborted) throw new CancelledError();
    if (next !== "repair") return gate;
    progress.repairRounds++;
    input.setPhase("implement");
    await input.onStep?.("implement", progress.repairRounds);
    await timer.time("implement", () => input.repair(repairInstructions(gate)));
  }
}
