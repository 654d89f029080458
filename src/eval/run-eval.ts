/**
 * `patchsmith eval`: each instance on a fresh copy of its repository at the base commit,
 * through the same local pipeline as `patchsmith run`; then the instance's test command,
 * in the sandbox, on the branch the run left. Resolved = that command exits 0.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { commandArgv, toolEnv } from "../config/index.js";
import type { CommandRunner, Issue, PullRequestRef } from "../core/index.js";
import type { JobOutcome } from "../pipeline/index.js";
import type { EvalInstance } from "./dataset.js";

const run = promisify(execFile);

export interface InstanceResult {
  id: string;
  resolved: boolean;
  /** "resolved", "unresolved" (the tests still fail) or "error" (the run itself failed). */
  status: "resolved" | "unresolved" | "error";
  costUsd: number;
  seconds: number;
  tokens: number;
  gatePassed?: boolean;
  reason?: string;
}

export interface EvalReport {
  instances: InstanceResult[];
  totals: {
    instances: number;
    resolved: number;
    failed: number;
    costUsd: number;
    seconds: number;
    resolvedRate: number;
  };
}

export interface RunEvalInput {
  instances: EvalInstance[];
  reposDir: string;
  runnerFor: (dir: string) => CommandRunner;
  runPipeline: (input: {
    dir: string;
    issue: Issue;
    base: string;
  }) => Promise<{ outcome: JobOutcome; pullRequest?: PullRequestRef }>;
  gitEnv?: Record<string, string | undefined>;
  progress?: (line: string) => void;
}

const BASE_BRANCH = "patchsmith-eval-base";

export async function runEval(input: RunEvalInput): Promise<EvalReport> {
  const results: InstanceResult[] = [];
  for (const [index, instance] of input.instances.entries()) {
    input.progress?.(`${instance.id} (${index + 1}/${input.instances.length})`);
    results.push(await runInstance(instance, input));
  }
  const resolved = results.filter((r) => r.resolved).length;
  const round = (n: number) => Math.round(n * 10_000) / 10_000;
  return {
    instances: results,
    totals: {
      instances: results.length,
      resolved,
      failed: results.length - resolved,
      costUsd: round(results.reduce((sum, r) => sum + r.costUsd, 0)),
      seconds: Math.round(results.reduce((sum, r) => sum + r.seconds, 0)),
      resolvedRate: results.length === 0 ? 0 : round(resolved / results.length),
    },
  };
}

async function runInstance(instance: EvalInstance, input: RunEvalInput): Promise<InstanceResult> {
  const started = Date.now();
  const env = input.gitEnv ? toolEnv(input.gitEnv) : toolEnv();
  const git = (cwd: string, ...args: string[]) =>
    run("git", args, { cwd, env, maxBuffer: 1 << 24 });
  const dir = await mkdtemp(
    path.join(os.tmpdir(), `patchsmith-eval-${instance.id.replace(/[^\w.-]/g, "_")}-`),
  );
  const base: Omit<InstanceResult, "status" | "resolved"> = {
    id: instance.id,
    costUsd: 0,
    seconds: 0,
    tokens: 0,
  };
  try {
    const source = path.resolve(input.reposDir, instance.repo);
    try {
      await git(os.tmpdir(), "clone", "--quiet", "--no-checkout", source, dir);
      await git(dir, "checkout", "--quiet", "-B", BASE_BRANCH, instance.baseCommit);
    } catch (error) {
      return {
        ...base,
        resolved: false,
        status: "error",
        reason: `cannot check out ${instance.repo} at ${instance.baseCommit}: ${firstLine(error)}`,
        seconds: elapsed(started),
      };
    }
    const { outcome, pullRequest } = await input.runPipeline({
      dir,
      issue: { number: 1, title: instance.issue.title, body: instance.issue.body, comments: [] },
      base: BASE_BRANCH,
    });
    const cost = {
      costUsd: outcome.report.costUsd,
      tokens: outcome.report.usage.inputTokens + outcome.report.usage.outputTokens,
      ...(outcome.gate ? { gatePassed: outcome.gate.passed } : {}),
    };
    if (outcome.status !== "published" || !pullRequest) {
      return {
        ...base,
        ...cost,
        resolved: false,
        status: "error",
        reason: `${outcome.error?.phase ?? "run"}: ${outcome.error?.userMessage ?? "failed"}`,
        seconds: elapsed(started),
      };
    }
    await git(dir, "checkout", "--quiet", pullRequest.head);
    const result = await input.runnerFor(dir).run({
      argv: commandArgv(instance.testCommand)!,
      cwd: dir,
      timeoutMs: instance.testTimeoutSeconds * 1000,
    });
    const resolved = result.exitCode === 0;
    return {
      ...base,
      ...cost,
      resolved,
      status: resolved ? "resolved" : "unresolved",
      ...(resolved
        ? {}
        : {
            reason: `test command exited ${result.exitCode ?? result.signal ?? "?"}: ${lastLine(result.output)}`,
          }),
      seconds: elapsed(started),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const elapsed = (started: number) => Math.round((Date.now() - started) / 100) / 10;

function firstLine(error: unknown): string {
  return (
    String((error as { stderr?: string }).stderr || (error as Error).message).split("\n")[0] ?? ""
  );
}

function lastLine(output: string): string {
  return output.trim().split("\n").at(-1)?.slice(0, 200) ?? "";
}
