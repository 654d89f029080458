/**
 * Formatting is fixed, not failed: the repository's configured format command, else the
 * formatter the repository evidently uses (prettier, black, ruff format) on the changed files.
 * A repository that uses none is left alone: reformatting whole files in another style would
 * bury the change in noise. The report says which files were rewritten.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { configuredCommand } from "../commands.js";
import { runTool, tail } from "../run-command.js";
import { hasFile, onPath, ownBin, readJson, repoBin } from "../tools.js";
import type { CheckContext, CheckOutcome, GateCheck } from "../types.js";

const prettierFiles =
  /\.(?:[cm]?[jt]sx?|json|jsonc|json5|css|scss|less|md|mdx|ya?ml|html|vue|graphql|gql|hbs)$/;
const pythonFiles = /\.pyi?$/;
const prettierConfigs = [
  ".prettierrc",
  ".prettierrc.json",
  ".prettierrc.json5",
  ".prettierrc.yaml",
  ".prettierrc.yml",
  ".prettierrc.toml",
  ".prettierrc.js",
  ".prettierrc.cjs",
  ".prettierrc.mjs",
  "prettier.config.js",
  "prettier.config.cjs",
  "prettier.config.mjs",
  ".prettierrc.ts",
  "prettier.config.ts",
];

function usesPrettier(ctx: CheckContext): boolean {
  if (hasFile(ctx, ...prettierConfigs)) return true;
  const manifest = readJson(path.join(ctx.dir, "package.json"));
  if (!manifest) return false;
  if (manifest.prettier !== undefined) return true;
  return ["dependencies", "devDependencies"].some((section) => {
    const deps = manifest[section];
    return deps !== null && typeof deps === "object" && "prettier" in deps;
  });
}

async function pyprojectTables(ctx: CheckContext): Promise<string> {
  const pyproject = await readFile(path.join(ctx.dir, "pyproject.toml"), "utf8").catch(() => "");
  const ruff = await readFile(path.join(ctx.dir, "ruff.toml"), "utf8").catch(() => "");
  return `${pyproject}\n${ruff.replace(/^\[format\]/m, "[tool.ruff.format]")}`;
}

interface Plan {
  argv: string[];
  tool: string;
}

async function formatters(ctx: CheckContext): Promise<Plan[]> {
  const configured = configuredCommand("format", ctx.settings, ctx.profile);
  if (configured) return [{ argv: configured.argv, tool: configured.name }];
  const plans: Plan[] = [];
  const web = ctx.files.filter((f) => prettierFiles.test(f));
  if (web.length > 0 && usesPrettier(ctx)) {
    const local = repoBin(ctx.dir, "prettier");
    const prettier = local ? [local] : ownBin("prettier");
    if (prettier)
      plans.push({
        argv: [...prettier, "--write", "--ignore-unknown", "--log-level", "warn", "--", ...web],
        tool: "prettier",
      });
  }
  const python = ctx.files.filter((f) => pythonFiles.test(f));
  if (python.length > 0) {
    const tables = await pyprojectTables(ctx);
    if (/^\[tool\.ruff\.format\]/m.test(tables) && onPath(ctx.dir, "ruff"))
      plans.push({ argv: ["ruff", "format", "--", ...python], tool: "ruff format" });
    else if (/^\[tool\.black\]/m.test(tables) && onPath(ctx.dir, "black"))
      plans.push({ argv: ["black", "-q", "--", ...python], tool: "black" });
  }
  return plans;
}

async function fingerprints(dir: string, files: string[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (const file of files) {
    const content = await readFile(path.join(dir, file)).catch(() => undefined);
    result.set(file, content ? createHash("sha1").update(content).digest("hex") : "");
  }
  return result;
}

export const formatCheck: GateCheck = {
  name: "format",
  description: "formats the changed files in place with the formatter the repository uses",
  comparesWithBaseline: false,
  scope: "changed-files",
  appliesTo(ctx) {
    return ctx.files.length > 0;
  },
  async run(ctx): Promise<CheckOutcome> {
    const plans = await formatters(ctx);
    if (plans.length === 0) {
      return {
        status: "skipped",
        summary: "the repository configures no formatter for the changed files",
        findings: [],
      };
    }
    const before = await fingerprints(ctx.dir, ctx.files);
    const outputs: string[] = [];
    const findings: CheckOutcome["findings"] = [];
    for (const plan of plans) {
      const result = await runTool(ctx, plan.argv);
      outputs.push(result.output);
      if (result.exitCode !== 0) {
        findings.push({
          message: `${plan.tool} could not format every file (exit ${result.exitCode}): ${tail(result.output, 300)}`,
          severity: "warning",
        });
      }
    }
    const after = await fingerprints(ctx.dir, ctx.files);
    const fixedFiles = ctx.files.filter((f) => before.get(f) !== after.get(f));
    const tools = plans.map((p) => p.tool).join(", ");
    const summary =
      fixedFiles.length > 0
        ? `${tools} formatted ${fixedFiles.length} file(s): ${fixedFiles.join(", ")}`
        : `the changed files were already formatted (${tools})`;
    return { status: "pass", summary, output: tail(outputs.join("\n")), findings, fixedFiles };
  },
};
