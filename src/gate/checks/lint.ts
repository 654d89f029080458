/**
 * Lint: the repository's configured linter when it has one; else ESLint on the changed JS/TS files
 * (the repository's config, or patchsmith's built-in one) and a compile check of changed Python.
 */
import { fileURLToPath } from "node:url";
import { configuredCommand } from "../commands.js";
import { parseEslintJson, parseLocated } from "../parse-output.js";
import { abnormalEnd, runTool, tail } from "../run-command.js";
import { hasFile, onPath, ownBin, repoBin } from "../tools.js";
import type { CheckContext, CheckFinding, CheckOutcome, GateCheck } from "../types.js";

const jsFiles = /\.[cm]?[jt]sx?$/;
const pyFiles = /\.py$/;
const builtinEslintConfig = fileURLToPath(
  new URL("../../../templates/gate/eslint.config.mjs", import.meta.url),
);
const compactFormatter = fileURLToPath(
  new URL("../../../templates/gate/eslint-formatter.cjs", import.meta.url),
);
const eslintConfigs = ["js", "mjs", "cjs", "ts", "mts", "cts"].map((ext) => `eslint.config.${ext}`);

/** Prints `file:line: message` for each file that does not compile; the interpreter's own check. */
const pyCompileScript = [
  "import os, sys, tempfile, py_compile",
  "tmp = tempfile.mkdtemp()",
  "bad = 0",
  "for f in sys.argv[1:]:",
  "    try:",
  "        py_compile.compile(f, doraise=True, cfile=os.path.join(tmp, 'check.pyc'))",
  "    except py_compile.PyCompileError as e:",
  "        bad += 1",
  "        v = e.exc_value",
  '        print(f\'{f}:{getattr(v, "lineno", 1) or 1}: {type(v).__name__}: {getattr(v, "msg", v)}\')',
  "sys.exit(1 if bad else 0)",
].join("\n");

interface Part {
  findings: CheckFinding[];
  failed: boolean;
  output: string;
  note?: string;
}

async function eslint(ctx: CheckContext, files: string[]): Promise<Part> {
  const repoConfig = hasFile(ctx, ...eslintConfigs);
  const bin = repoBin(ctx.dir, "eslint");
  const program = bin ? [bin] : ownBin("eslint");
  if (!program)
    return {
      findings: [],
      failed: false,
      output: "",
      note: "ESLint is not installed; JS/TS not linted",
    };
  const config = repoConfig ? [] : ["--config", builtinEslintConfig];
  const result = await runTool(ctx, [
    ...program,
    ...config,
    "-f",
    compactFormatter,
    "--no-warn-ignored",
    "--",
    ...files,
  ]);
  const ended = abnormalEnd(result, ctx.timeoutMs);
  const findings = parseEslintJson(result.output, ctx.dir);
  if (ended || findings === undefined) {
    return {
      findings: [
        {
          message: `eslint ${ended ?? `failed (exit ${result.exitCode})`}: ${tail(result.output, 500)}`,
          severity: "error",
        },
      ],
      failed: true,
      output: result.output,
    };
  }
  const note = repoConfig
    ? undefined
    : "no ESLint config in the repository: used patchsmith's built-in one";
  return {
    findings,
    failed: findings.some((f) => f.severity === "error"),
    output: "",
    ...(note ? { note } : {}),
  };
}

async function python(ctx: CheckContext, files: string[]): Promise<Part> {
  const ruffConfigured = hasFile(ctx, "ruff.toml", ".ruff.toml");
  const flake8Configured = hasFile(ctx, ".flake8");
  let argv: string[];
  if (ruffConfigured && onPath(ctx.dir, "ruff"))
    argv = ["ruff", "check", "--output-format", "concise", "--", ...files];
  else if (flake8Configured && onPath(ctx.dir, "flake8")) argv = ["flake8", "--", ...files];
  else argv = ["python3", "-c", pyCompileScript, ...files];
  const result = await runTool(ctx, argv);
  const ended = abnormalEnd(result, ctx.timeoutMs);
  const findings = parseLocated(result.output, ctx.dir);
  if (ended || (result.exitCode !== 0 && findings.length === 0)) {
    findings.push({
      message: `${argv[0]} ${ended ?? `failed (exit ${result.exitCode})`}: ${tail(result.output, 500)}`,
      severity: "error",
    });
  }
  return { findings, failed: result.exitCode !== 0, output: result.output };
}

async function configured(ctx: CheckContext, argv: string[]): Promise<Part> {
  const result = await runTool(ctx, argv);
  const ended = abnormalEnd(result, ctx.timeoutMs);
  const findings = parseEslintJson(result.output, ctx.dir) ?? parseLocated(result.output, ctx.dir);
  if (result.exitCode !== 0 && findings.length === 0) {
    findings.push({
      message: `the lint command ${ended ?? `failed (exit ${result.exitCode})`}`,
      severity: "error",
    });
  }
  return { findings, failed: result.exitCode !== 0, output: result.output };
}

export const lintCheck: GateCheck = {
  name: "lint",
  description:
    "the repository's linter, else ESLint on changed JS/TS and a compile check of changed Python",
  comparesWithBaseline: true,
  scope: "changed-files",
  appliesTo(ctx) {
    if (configuredCommand("lint", ctx.settings, ctx.profile)) return true;
    return ctx.files.some((f) => jsFiles.test(f) || pyFiles.test(f));
  },
  async run(ctx): Promise<CheckOutcome> {
    const command = configuredCommand("lint", ctx.settings, ctx.profile);
    const parts: Part[] = [];
    if (command) {
      parts.push(await configured(ctx, command.argv));
    } else {
      const js = ctx.files.filter((f) => jsFiles.test(f));
      const py = ctx.files.filter((f) => pyFiles.test(f));
      if (js.length > 0) parts.push(await eslint(ctx, js));
      if (py.length > 0) parts.push(await python(ctx, py));
    }
    const findings = parts.flatMap((p) => p.findings);
    const failed = parts.some((p) => p.failed);
    const errors = findings.filter((f) => f.severity === "error").length;
    const notes = parts.flatMap((p) => (p.note ? [p.note] : []));
    const summary = [failed ? `${errors} lint error(s)` : `no lint errors`, ...notes].join("; ");
    return {
      status: failed ? "fail" : "pass",
      summary,
      output: tail(parts.map((p) => p.output).join("\n")),
      findings,
    };
  },
};
