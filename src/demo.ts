/**
 * `patchsmith demo`: the whole local pipeline (the same runLocalPipeline as `patchsmith run`) on
 * the sample repository shipped in demo/, with the model's answers replayed from
 * demo/cassette.json. No API key, no GitHub, no network: the sample is copied to a temp dir and
 * made a git repository, and everything the run leaves is removed at the end (unless --keep).
 */
import { execFileSync } from "node:child_process";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { parseEnv, toolEnv } from "./config/index.js";
import type { Env } from "./config/index.js";
import type { Logger, Plan } from "./core/index.js";
import { parseIssueFile } from "./github/index.js";
import { createReplayModel, readCassette } from "./llm/index.js";

/** demo/ beside dist/ (or src/ under vitest): the sample, its issue and its cassette. */
export const DEMO_DIR = fileURLToPath(new URL("../demo/", import.meta.url));
export const DEMO_RERECORD =
  "run `npm run demo:record` (it rebuilds, records demo/cassette.json again from the demo's scripted model, and checks that `patchsmith demo` passes)";

export interface DemoIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface DemoOptions {
  /** The environment (default: the process's); SANDBOX and LOG_LEVEL are honoured. */
  processEnv?: Record<string, string | undefined>;
  io: DemoIo;
  /** Keep the temp dir with the sample repository and its branch. */
  keep?: boolean;
  /** Another sample (tests): a directory holding sample-repo/, issue.md and cassette.json. */
  demoDir?: string;
}

// Fixed identity and dates, and no user or system git config (signing, hooks, another default
// branch), so that the base commit is the same everywhere the demo runs.
function sampleGitEnv(processEnv?: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return {
    ...toolEnv(processEnv),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_AUTHOR_NAME: "patchsmith demo",
    GIT_AUTHOR_EMAIL: "demo@patchsmith.invalid",
    GIT_COMMITTER_NAME: "patchsmith demo",
    GIT_COMMITTER_EMAIL: "demo@patchsmith.invalid",
    GIT_AUTHOR_DATE: "2025-01-01T00:00:00Z",
    GIT_COMMITTER_DATE: "2025-01-01T00:00:00Z",
  };
}

function git(dir: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, env, encoding: "utf8", stdio: "pipe" });
}

/**
 * Copies sample-repo/ into <parent>/sample-repo and commits it on main. The recording script
 * uses the same function, so the recorded and the replayed run start from the same commit.
 */
export async function prepareSampleRepo(
  parent: string,
  processEnv?: Record<string, string | undefined>,
  demoDir = DEMO_DIR,
): Promise<string> {
  const dir = path.join(parent, "sample-repo");
  await cp(path.join(demoDir, "sample-repo"), dir, { recursive: true });
  const env = sampleGitEnv(processEnv);
  git(dir, env, "init", "-q", "-b", "main");
  git(dir, env, "add", "-A");
  git(dir, env, "commit", "-q", "-m", "Sample project for patchsmith demo");
  return dir;
}

export async function readDemoIssue(demoDir = DEMO_DIR) {
  const file = path.join(demoDir, "issue.md");
  return parseIssueFile(await readFile(file, "utf8"), file);
}

function planText(plan: Plan): string {
  return [
    plan.summary,
    ...plan.steps.map((s, i) => `  ${i + 1}. ${s}`),
    `Files: ${plan.files.join(", ") || "(none named)"}`,
    `Test strategy: ${plan.testStrategy}`,
    ...(plan.risks.length > 0 ? ["Risks:", ...plan.risks.map((r) => `  - ${r}`)] : []),
  ].join("\n");
}

const section = (title: string) => `\n== ${title} ${"=".repeat(Math.max(3, 66 - title.length))}\n`;

/**
 * The sample's tests at the base commit, in the sandbox like every repository command: the bug
 * is real, and the gate's "tests pass" at the end means a failing test now passes.
 */
async function testsAtBase(dir: string, env: Env, logger: Logger): Promise<string> {
  const { createRunnerFactory } = await import("./worker.js");
  const runner = createRunnerFactory(env, logger)(dir);
  const result = await runner.run({
    argv: ["npm", "test"],
    cwd: dir,
    timeoutMs: 60_000,
    env: { PATH: [path.dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(":") },
  });
  if (result.exitCode === 0) return "`npm test` on main: passes.";
  // TAP ("not ok 2 - name") or the spec reporter ("✖ name (1.2ms)"), whichever Node prints.
  const failed = [
    ...new Set(
      [...result.output.matchAll(/^\s*(?:not ok \d+ - |✖ )(.+?)(?: \([\d.]+m?s\))?$/gm)]
        .map((m) => m[1]!)
        .filter((name) => !/^(tests?|failing tests:?)$/i.test(name)),
    ),
  ];
  return [
    `\`npm test\` on main: fails (exit ${result.exitCode ?? result.killed ?? "?"}).`,
    ...failed.map((name) => `  failing: ${name}`),
  ].join("\n");
}

export async function runDemo(options: DemoOptions): Promise<number> {
  const { io, processEnv } = options;
  const demoDir = options.demoDir ?? DEMO_DIR;
  const cassetteFile = path.join(demoDir, "cassette.json");
  const cassette = await readCassette(cassetteFile);
  const replay = createReplayModel(cassette, { file: cassetteFile, rerecord: DEMO_RERECORD });
  const root = await mkdtemp(path.join(os.tmpdir(), "patchsmith-demo-"));
  try {
    const dir = await prepareSampleRepo(root, processEnv, demoDir);
    const issue = await readDemoIssue(demoDir);
    // Its own work and data directories: the operator's spend ledger and queue stay untouched.
    const env = {
      ...parseEnv(processEnv),
      PATCHSMITH_WORK_DIR: path.join(root, "work"),
      PATCHSMITH_DATA_DIR: path.join(root, "data"),
    };
    // The demo's output is the story; logs below a warning would drown it.
    const logLevel = env.LOG_LEVEL === "info" ? "warn" : env.LOG_LEVEL;
    io.stdout(
      [
        "patchsmith demo: the whole pipeline on a small sample repository.",
        `The model's answers are REPLAYED from a recorded cassette (${cassetteFile}, ${cassette.exchanges.length} exchanges), not asked of a live model:`,
        `no API key, no GitHub, no network. ${cassette.note ?? ""}`.trimEnd(),
        "",
        `Repository: ${dir} (a copy of demo/sample-repo, committed on main)`,
        `Issue #${issue.number}: ${issue.title}`,
      ].join("\n") + "\n",
    );
    const logger = pino({ level: logLevel }, pino.destination(2));
    io.stdout(`${section("Before")}${await testsAtBase(dir, env, logger)}\n`);
    io.stdout(section("Stages"));
    const { runLocalPipeline } = await import("./local-run.js");
    const started = Date.now();
    const { outcome, pullRequest } = await runLocalPipeline({
      dir,
      issue,
      base: "main",
      mode: "implement",
      env,
      ...(processEnv ? { processEnv } : {}),
      logger,
      model: replay,
      progress: (line) => {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        io.stdout(`  [${seconds} s] ${line.replace(/^(\S+\s+)?patchsmith:\s*/, "$1")}\n`);
      },
    });
    if (outcome.plan) io.stdout(`${section("Plan")}${planText(outcome.plan)}\n`);
    if (pullRequest) {
      const diff = git(dir, sampleGitEnv(processEnv), "diff", `main...${pullRequest.head}`);
      io.stdout(`${section("Diff")}${diff}`);
    }
    if (outcome.gate) {
      const { renderGateReport } = await import("./gate/index.js");
      io.stdout(`${section("Quality gate")}${await renderGateReport(outcome.gate)}\n`);
    }
    io.stdout(section("Result"));
    if (outcome.status !== "published" || !pullRequest) {
      io.stderr(
        `patchsmith demo: the run failed during ${outcome.error?.phase ?? "an unknown step"}:\n${outcome.error?.userMessage ?? "no detail"}\n`,
      );
      io.stdout("The demo run failed (see above).\n");
      return 1;
    }
    try {
      replay.assertAllUsed();
    } catch (error) {
      io.stderr(`patchsmith demo: ${(error as { userMessage?: string }).userMessage}\n`);
      return 1;
    }
    const passed = outcome.gate?.passed === true && !pullRequest.draft;
    io.stdout(
      [
        `Branch ${pullRequest.head}: the quality gate ${passed ? "passed" : "still fails"}.`,
        `Model: ${replay.used} answers replayed from the cassette; no model was called and nothing was sent anywhere.`,
        options.keep
          ? `The repository is kept in ${dir} (\`git -C ${dir} log ${pullRequest.head}\`).`
          : "The temp repository was removed (pass --keep to keep it).",
        "On your own repository: `ANTHROPIC_API_KEY=... patchsmith run --repo DIR --issue-file issue.md`.",
      ].join("\n") + "\n",
    );
    return passed ? 0 : 1;
  } finally {
    if (!options.keep) await rm(root, { recursive: true, force: true });
  }
}
