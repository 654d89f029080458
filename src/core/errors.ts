/**
 * Errors are classes. `userMessage` is safe to show on GitHub and says what to do;
 * `message` may carry internal detail for logs. `isRetryable` drives the queue.
 */

export type Phase =
  | "trigger"
  | "prepare"
  | "analyze"
  | "plan"
  | "approve"
  | "implement"
  | "gate"
  | "publish"
  | "feedback"
  | "config";

export class PatchsmithError extends Error {
  readonly userMessage: string;
  readonly isRetryable: boolean;
  phase?: Phase;

  constructor(
    message: string,
    options: { userMessage?: string; isRetryable?: boolean; phase?: Phase; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.userMessage = options.userMessage ?? message;
    this.isRetryable = options.isRetryable ?? false;
    if (options.phase) this.phase = options.phase;
  }
}

/** Bad configuration: reported all at once, with where it came from. */
export class ConfigError extends PatchsmithError {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(`${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`, { phase: "config" });
    this.problems = problems;
  }
}

/** The language model failed or answered out of contract. */
export class ModelError extends PatchsmithError {}

/** A path outside the workspace, a symlink escape, or a protected path. */
export class PathSafetyError extends PatchsmithError {
  constructor(path: string, reason: string) {
    super(`refused path ${JSON.stringify(path)}: ${reason}`);
  }
}

/** A capped loop ran out of rounds. */
export class BudgetExceededError extends PatchsmithError {}

/**
 * A daily budget (a repository's or an installation's, shared by every job that day) is
 * spent: the run stopped between model calls. Retrying helps only after `resetsAt`.
 */
export class DailyBudgetExceededError extends BudgetExceededError {
  readonly budget: "repository" | "installation";
  readonly resetsAt: Date;
  constructor(
    message: string,
    options: {
      userMessage: string;
      budget: "repository" | "installation";
      resetsAt: Date;
    },
  ) {
    super(message, { userMessage: options.userMessage });
    this.budget = options.budget;
    this.resetsAt = options.resetsAt;
  }
}

/** The job was cancelled (`/cancel`, or shutdown past the grace period). Not retried. */
export class CancelledError extends PatchsmithError {
  constructor(reason = "cancelled") {
    super(reason, { userMessage: "Cancelled. Nothing was pushed after the cancel." });
  }
}

/** Git or GitHub failed; network failures are retryable. */
export class RemoteError extends PatchsmithError {}

export function userMessageOf(error: unknown): string {
  if (error instanceof PatchsmithError) return error.userMessage;
  return "An internal error stopped the run. The maintainers of this installation can find the details in the logs.";
}

/** Attach the phase to an error on its way out of a stage, keeping the first one set. */
export function inPhase(phase: Phase, error: unknown): PatchsmithError {
  if (error instanceof PatchsmithError) {
    error.phase ??= phase;
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new PatchsmithError(message, {
    phase,
    cause: error,
    userMessage: `The ${phase} step failed unexpectedly. Comment \`/generate\` to try again; if it keeps failing, the logs have the details.`,
  });
}
