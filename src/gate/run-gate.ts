/**
 * The gate: every registered check on the changed tree, failures compared with the base commit,
 * and a report in which only what the change introduced blocks.
 */
import type { CheckResult, Finding, GateReport } from "../core/index.js";
import { CancelledError, PatchsmithError, silentLogger } from "../core/index.js";
import { Baseline } from "./baseline.js";
import { registeredChecks } from "./checks/index.js";
import { compareWithBaseline } from "./compare.js";
import { diffAgainst, makeDiffInfo, type DiffInfo } from "./diff.js";
import { installIfNeeded } from "./install.js";
import { modeRules } from "./mode-rules.js";
import { scoreOf } from "./score.js";
import type { CheckContext, CheckOutcome, GateCheck, GateInput } from "./types.js";
import { existsSync } from "node:fs";
import path from "node:path";

async function changes(input: GateInput): Promise<DiffInfo> {
  const diff = await diffAgainst(input.dir, input.baseSha).catch((error: unknown) => {
    throw new PatchsmithError(`gate: cannot diff ${input.dir} against ${input.baseSha}`, {
      cause: error,
      phase: "gate",
      userMessage: `The quality gate could not compare the change with the base commit ${input.baseSha}. Check that it is a commit of this repository (for \`patchsmith gate\`, pass an existing ref with --base).`,
    });
  });
  if (!input.changedFiles) return diff;
  const wanted = new Set(input.changedFiles);
  const files = diff.files.filter((f) => wanted.has(f.path));
  for (const file of wanted) {
    if (!files.some((f) => f.path === file))
      files.push({ path: file, status: "modified", added: [], removedCount: 0 });
  }
  return makeDiffInfo(files);
}

function existing(dir: string, diff: DiffInfo): string[] {
  return diff.files
    .filter((f) => f.status !== "deleted" && existsSync(path.join(dir, f.path)))
    .map((f) => f.path);
}

async function runCheck(check: GateCheck, ctx: CheckContext): Promise<CheckOutcome> {
  try {
    if (!(await check.appliesTo(ctx)))
      return { status: "skipped", summary: "does not apply to this repository", findings: [] };
    return await check.run(ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      status: "error",
      summary: `the check could not run: ${message}`,
      findings: [{ message: `${check.name} could not run: ${message}`, severity: "error" }],
    };
  }
}

export async function runGate(input: GateInput): Promise<GateReport> {
  const started = performance.now();
  const logger = (input.logger ?? silentLogger).child({ stage: "gate" });
  const timeoutMs = input.settings.gate.timeoutSeconds * 1000;
  const runner = input.runnerFor(input.dir);
  const baseline = new Baseline({
    sourceDir: input.dir,
    baseSha: input.baseSha,
    runnerFor: input.runnerFor,
    logger,
    ...(input.cacheDir ? { cacheDir: input.cacheDir } : {}),
  });
  const checks: CheckResult[] = [];
  try {
    const install = await installIfNeeded(input, runner, timeoutMs);
    if (install) checks.push(install);
    let diff = await changes(input);
    for (const check of registeredChecks) {
      if (input.signal?.aborted) throw new CancelledError("gate cancelled");
      const checkStarted = performance.now();
      if (input.settings.gate.skip.includes(check.name)) {
        checks.push({
          name: check.name,
          status: "skipped",
          durationMs: 0,
          blocking: false,
          summary: "skipped by the repository's configuration",
          findings: [],
        });
        continue;
      }
      const ctx: CheckContext = {
        dir: input.dir,
        baseSha: input.baseSha,
        profile: input.profile,
        settings: input.settings,
        runner,
        diff,
        files: existing(input.dir, diff),
        isBaseline: false,
        timeoutMs,
        logger: logger.child({ check: check.name }),
        ...(input.signal ? { signal: input.signal } : {}),
      };
      const outcome = await runCheck(check, ctx);
      let base: CheckOutcome | undefined;
      if (check.comparesWithBaseline && (outcome.status === "fail" || outcome.status === "error")) {
        base = await baselineOutcome(check, ctx, baseline).catch((error: unknown) => {
          logger.warn(
            { err: error, check: check.name },
            "baseline run failed; treating every finding as new",
          );
          return undefined;
        });
      }
      const { findings, blocking } = compareWithBaseline(check.name, outcome, base);
      const preExisting = findings.filter((f) => f.preExisting).length;
      const summary =
        preExisting > 0
          ? `${outcome.summary} (${preExisting} already at the base commit)`
          : outcome.summary;
      checks.push({
        name: check.name,
        status: outcome.status,
        durationMs: Math.round(performance.now() - checkStarted),
        blocking,
        summary:
          base && !blocking && outcome.status !== "pass"
            ? `${summary}; already failing at the base commit`
            : summary,
        ...(outcome.output ? { output: outcome.output } : {}),
        findings,
      });
      logger.info({ check: check.name, status: outcome.status, blocking }, "check finished");
      if (outcome.fixedFiles && outcome.fixedFiles.length > 0) diff = await changes(input);
    }
    if (input.mode) {
      const rules = await modeRules({
        mode: input.mode,
        ...(input.instructions ? { instructions: input.instructions } : {}),
        dir: input.dir,
        baseSha: input.baseSha,
        diff,
        checks,
      });
      if (rules) checks.push(rules);
    }
  } finally {
    await baseline.dispose();
  }
  const findings: Finding[] = checks.flatMap((c) => c.findings);
  return {
    passed: !checks.some((c) => c.blocking),
    checks,
    findings,
    score: scoreOf(checks),
    durationMs: Math.round(performance.now() - started),
  };
}

async function baselineOutcome(
  check: GateCheck,
  head: CheckContext,
  baseline: Baseline,
): Promise<CheckOutcome> {
  const dir = await baseline.dir();
  const files = head.files.filter((f) => existsSync(path.join(dir, f)));
  const key = Baseline.key(check.name, check.scope === "repository" ? [] : files);
  const cached = await baseline.cached(key);
  if (cached) return cached;
  const ctx: CheckContext = {
    ...head,
    dir,
    files,
    isBaseline: true,
    runner: await baseline.runner(),
  };
  const outcome = await runCheck(check, ctx);
  await baseline.store(key, outcome);
  return outcome;
}
