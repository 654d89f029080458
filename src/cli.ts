/**
 * The `patchsmith` command. Composition root for the command line: parses flags, wires
 * adapters, prints. Exit codes: 0 done, 1 the work failed (or the gate blocks), 2 usage error.
 */
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { pino } from "pino";
import type { Env } from "./config/index.js";
import { loadDotEnv, parseEnv, requireWorkerEnv } from "./config/index.js";
import type { LanguageModel, Logger, Mode } from "./core/index.js";
import type { OctokitLike } from "./github/index.js";
import { ConfigError, MODES } from "./core/index.js";
import { createProgress } from "./cli-progress.js";
import { commandHelp, usage } from "./cli-help.js";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal: progress is shown there (never in CI). */
  isTTY?: boolean;
}

export interface CliDeps {
  env?: Record<string, string | undefined>;
  io?: CliIo;
  /** Replaces the Anthropic model (tests drive `run` with a scripted model). */
  model?: LanguageModel;
}

const USAGE = usage();

class UsageError extends Error {}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: process.stderr.isTTY,
};

export async function main(argv: string[], deps: CliDeps = {}): Promise<number> {
  const io = deps.io ?? defaultIo;
  // .env holds the app's credentials (Probot's setup page writes it); tests pass env instead.
  if (deps.env === undefined) loadDotEnv();
  const [command, ...rest] = argv;
  if (command && (rest.includes("--help") || rest.includes("-h") || command === "help")) {
    const help = commandHelp(command === "help" ? (rest[0] ?? "") : command);
    if (help || command !== "help" || rest[0] !== undefined) {
      io.stdout(`${help ?? USAGE}\n`);
      return help ? 0 : 2;
    }
  }
  try {
    switch (command) {
      case "serve":
        return await serve(deps, rest);
      case "worker":
        return await workerCommand(deps);
      case "redeliver":
        return await redeliverCommand(rest, deps, io);
      case "run":
        return await runLocal(rest, deps, io);
      case "localize":
        return await localizeCommand(rest, deps, io);
      case "gate":
        return await gateCommand(rest, deps, io);
      case "eval":
        return await evalCommand(rest, deps, io);
      case "action":
        return await actionCommand(deps);
      case "demo":
        return await demoCommand(rest, deps, io);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`patchsmith: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr(`patchsmith: configuration problems in ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

function parse(args: string[], options: NonNullable<ParseArgsConfig["options"]>): Values {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true }).values as Values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function requireString(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

function makeLogger(env: Env, destination: "stderr" | "stdout" = "stderr"): Logger {
  return pino(
    {
      level: env.LOG_LEVEL,
      redact: {
        paths: [
          "token",
          "*.token",
          "apiKey",
          "*.apiKey",
          "headers.authorization",
          "*.headers.authorization",
        ],
        censor: "***",
      },
    },
    pino.destination(destination === "stderr" ? 2 : 1),
  );
}

async function readIssueFile(file: string) {
  const { parseIssueFile } = await import("./github/local-github.js");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UsageError(
      `cannot read the issue file ${file}: give a Markdown file whose first line is the title`,
    );
  }
  try {
    return parseIssueFile(text, file);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function gitOutput(dir: string, ...args: string[]): string | undefined {
  try {
    return execFileSync("git", args, {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return undefined;
  }
}

function requireGitRepo(dir: string): string {
  const top = gitOutput(dir, "rev-parse", "--show-toplevel");
  if (!top)
    throw new UsageError(`${dir} is not a git repository: give --repo the root of a git checkout`);
  if (!gitOutput(dir, "rev-parse", "--verify", "HEAD")) {
    throw new UsageError(
      `${dir} has no commit yet: commit something first, patchsmith works against a base commit`,
    );
  }
  return top;
}

async function serve(deps: CliDeps, args: string[] = []): Promise<number> {
  const values = parse(args, { "no-worker": { type: "boolean", default: false } });
  const { startServer } = await import("./server.js");
  await startServer(parseEnv(deps.env), { worker: !values["no-worker"] });
  return new Promise<number>(() => {}); // runs until the process is stopped
}

async function workerCommand(deps: CliDeps): Promise<number> {
  const env = parseEnv(deps.env);
  requireWorkerEnv(env, { github: true });
  const { startWorker } = await import("./server.js");
  await startWorker(env);
  return new Promise<number>(() => {}); // runs until SIGTERM
}

async function redeliverCommand(args: string[], deps: CliDeps, io: CliIo): Promise<number> {
  const values = parse(args, {
    since: { type: "string", default: "1h" },
    "dry-run": { type: "boolean", default: false },
  });
  const { parseDuration, redeliverFailed } = await import("./github/index.js");
  const ms = parseDuration(values.since as string);
  if (ms === undefined) throw new UsageError("--since takes a duration such as 30m, 1h or 3d");
  const env = parseEnv(deps.env);
  if (!env.APP_ID || (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH)) {
    throw new ConfigError("environment", [
      "redeliver signs as the app: set APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH)",
    ]);
  }
  const privateKey = env.PRIVATE_KEY ?? (await readFile(env.PRIVATE_KEY_PATH!, "utf8"));
  const { Probot } = await import("probot");
  const probot = new Probot({
    appId: env.APP_ID,
    privateKey,
    ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}),
  });
  const appOctokit = (await probot.auth()) as unknown as OctokitLike;
  const result = await redeliverFailed(appOctokit, {
    since: new Date(Date.now() - ms),
    dryRun: Boolean(values["dry-run"]),
  });
  const verb = values["dry-run"] ? "would redeliver" : "redelivered";
  for (const d of result.redelivered)
    io.stdout(`${verb} ${d.guid} (${d.event}, first delivered ${d.deliveredAt})\n`);
  for (const f of result.failed)
    io.stderr(`patchsmith: could not redeliver ${f.guid}: ${f.error}\n`);
  io.stdout(
    `${result.redelivered.length} failed deliveries ${verb}, of ${result.scanned} since ${values.since as string}\n`,
  );
  return result.failed.length > 0 ? 1 : 0;
}

async function runLocal(args: string[], deps: CliDeps, io: CliIo): Promise<number> {
  const values = parse(args, {
    repo: { type: "string" },
    "issue-file": { type: "string" },
    mode: { type: "string", default: "implement" },
    instructions: { type: "string" },
    base: { type: "string" },
    json: { type: "boolean", default: false },
    replay: { type: "string" },
  });
  const dir = requireGitRepo(path.resolve(requireString(values, "repo")));
  const issue = await readIssueFile(requireString(values, "issue-file"));
  // --replay: the model's answers come from a cassette that PATCHSMITH_RECORD wrote.
  const replay =
    typeof values.replay === "string"
      ? await (await import("./llm/index.js")).loadReplayModel(path.resolve(values.replay))
      : undefined;
  const model = replay ?? deps.model;
  const mode = values.mode as Mode;
  if (!MODES.includes(mode)) throw new UsageError(`--mode must be one of ${MODES.join(", ")}`);
  const env = parseEnv(deps.env);
  if (!model) requireWorkerEnv(env, { github: false });
  const base =
    (values.base as string | undefined) ??
    gitOutput(dir, "rev-parse", "--abbrev-ref", "HEAD") ??
    "main";
  if (gitOutput(dir, "status", "--porcelain")) {
    io.stderr(
      "patchsmith: note: uncommitted changes in the repository are not part of the run (it starts from the last commit)\n",
    );
  }

  const { runLocalPipeline } = await import("./local-run.js");
  const progress = createProgress(io.stderr, Boolean(io.isTTY) && !env.CI);
  const { outcome, pullRequest: pr } = await runLocalPipeline({
    dir,
    issue,
    base,
    mode,
    ...(typeof values.instructions === "string" ? { instructions: values.instructions } : {}),
    env,
    ...(deps.env ? { processEnv: deps.env } : {}),
    logger: makeLogger(env),
    ...(model ? { model } : {}),
    progress: (line) => progress.step(line),
  });
  progress.done();
  const replayUnused = replay && replay.used < replay.total;
  if (replayUnused) {
    io.stderr(
      `patchsmith: the run used ${replay.used} of the ${replay.total} exchanges in the cassette ${values.replay as string}: it took a shorter path than the recorded run\n`,
    );
  }
  if (values.json) {
    io.stdout(
      `${JSON.stringify(
        {
          status: outcome.status,
          ...(pr ? { branch: pr.head, draft: pr.draft, body: pr.body } : {}),
          ...(outcome.plan ? { plan: outcome.plan } : {}),
          ...(outcome.gate
            ? { gatePassed: outcome.gate.passed, gateScore: outcome.gate.score }
            : {}),
          report: outcome.report,
          ...(outcome.error
            ? { error: { phase: outcome.error.phase, message: outcome.error.userMessage } }
            : {}),
        },
        null,
        2,
      )}\n`,
    );
    return outcome.status === "published" && pr && !pr.draft && !replayUnused ? 0 : 1;
  }
  if (outcome.status !== "published" || !pr) {
    io.stderr(
      `patchsmith: the run failed during ${outcome.error?.phase ?? "an unknown step"}: ${outcome.error?.userMessage ?? "no detail"}\n`,
    );
    return 1;
  }
  io.stdout(`${pr.body}\n`);
  io.stderr(
    `patchsmith: branch ${pr.head} is in ${dir}${pr.draft ? " (the gate still fails: see the report above)" : ""}\n`,
  );
  return pr.draft || replayUnused ? 1 : 0;
}

async function localizeCommand(args: string[], deps: CliDeps, io: CliIo): Promise<number> {
  const values = parse(args, {
    repo: { type: "string" },
    "issue-file": { type: "string" },
    top: { type: "string", default: "10" },
    json: { type: "boolean", default: false },
    explain: { type: "boolean", default: false },
    "cache-dir": { type: "string" },
  });
  const dir = path.resolve(requireString(values, "repo"));
  requireGitRepo(dir);
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 1)
    throw new UsageError("--top must be a positive whole number");
  const issue = await readIssueFile(requireString(values, "issue-file"));
  const { localize } = await import("./context/index.js");
  const { workDirOf } = await import("./worker.js");
  const cacheDir =
    (values["cache-dir"] as string | undefined) ??
    path.join(workDirOf(parseEnv(deps.env)), "cache");
  const ranked = await localize({
    dir,
    query: `${issue.title}\n\n${issue.body}`,
    top,
    explain: Boolean(values.explain),
    cacheDir,
  });
  if (values.json) {
    const files = ranked.map((f) =>
      values.explain
        ? { path: f.path, score: f.score, reasons: f.reasons ?? [] }
        : { path: f.path, score: f.score },
    );
    io.stdout(`${JSON.stringify({ files })}\n`);
  } else {
    for (const f of ranked) {
      io.stdout(
        `${f.score.toFixed(3).padStart(8)}  ${f.path}${values.explain && f.reasons?.length ? `  (${f.reasons.join("; ")})` : ""}\n`,
      );
    }
  }
  return 0;
}

async function gateCommand(args: string[], deps: CliDeps, io: CliIo): Promise<number> {
  const values = parse(args, {
    repo: { type: "string" },
    base: { type: "string", default: "HEAD" },
    json: { type: "boolean", default: false },
  });
  const dir = requireGitRepo(path.resolve(requireString(values, "repo")));
  const baseSha = gitOutput(dir, "rev-parse", "--verify", `${values.base as string}^{commit}`);
  if (!baseSha) throw new UsageError(`--base ${values.base as string} is not a commit in ${dir}`);
  const env = parseEnv(deps.env);
  const logger = makeLogger(env);
  const { parseRepoConfig, REPO_CONFIG_PATH } = await import("./config/index.js");
  const configText = await readFile(path.join(dir, REPO_CONFIG_PATH), "utf8").catch(
    () => undefined,
  );
  const config = parseRepoConfig(configText, path.join(dir, REPO_CONFIG_PATH));
  const { detectProfile } = await import("./context/index.js");
  const { runGate, renderGateReport } = await import("./gate/index.js");
  const { createRunnerFactory, workDirOf } = await import("./worker.js");
  const report = await runGate({
    dir,
    baseSha,
    profile: await detectProfile(dir),
    settings: { gate: config.gate, policy: config.policy, commands: config.commands },
    runnerFor: createRunnerFactory(env, logger),
    cacheDir: path.join(workDirOf(env), "cache"),
    logger,
  });
  io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : await renderGateReport(report));
  return report.passed ? 0 : 1;
}

async function evalCommand(args: string[], deps: CliDeps, io: CliIo): Promise<number> {
  const values = parse(args, {
    dataset: { type: "string" },
    repos: { type: "string" },
    only: { type: "string" },
    json: { type: "boolean", default: false },
  });
  const env = parseEnv(deps.env);
  if (!deps.model) requireWorkerEnv(env, { github: false });
  const { readDataset, runEval, renderEvalTable } = await import("./eval/index.js");
  let instances;
  try {
    instances = await readDataset(requireString(values, "dataset"));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
  const only = typeof values.only === "string" ? new Set(values.only.split(",")) : undefined;
  const { runLocalPipeline } = await import("./local-run.js");
  const { createRunnerFactory } = await import("./worker.js");
  const logger = makeLogger(env);
  const progress = createProgress(io.stderr, Boolean(io.isTTY) && !env.CI);
  const report = await runEval({
    instances: only ? instances.filter((i) => only.has(i.id)) : instances,
    reposDir: path.resolve(requireString(values, "repos")),
    runnerFor: createRunnerFactory(env, logger),
    ...(deps.env ? { gitEnv: deps.env } : {}),
    progress: (line) => progress.step(line),
    runPipeline: (input) =>
      runLocalPipeline({
        ...input,
        mode: "implement",
        env,
        ...(deps.env ? { processEnv: deps.env } : {}),
        logger,
        ...(deps.model ? { model: deps.model } : {}),
      }),
  });
  progress.done();
  io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderEvalTable(report));
  return 0;
}

async function actionCommand(deps: CliDeps): Promise<number> {
  const env = parseEnv(deps.env);
  const { actionToken } = await import("./config/index.js");
  const token = actionToken(deps.env);
  if (!token) {
    throw new ConfigError("environment", [
      "GITHUB_TOKEN is not set: pass `github-token: ${{ secrets.GITHUB_TOKEN }}` to the action (see docs/github-action.md)",
    ]);
  }
  requireWorkerEnv(env, { github: false });
  const { runAction } = await import("./action.js");
  // Each job reports its own result on the issue (status comment, reactions).
  await runAction({ env, token, ...(deps.model ? { model: deps.model } : {}) });
  return 0;
}

async function demoCommand(args: string[], deps: CliDeps, io: CliIo): Promise<number> {
  const values = parse(args, { keep: { type: "boolean", default: false } });
  const { runDemo } = await import("./demo.js");
  return runDemo({
    ...(deps.env ? { processEnv: deps.env } : {}),
    io,
    keep: Boolean(values.keep),
  });
}
