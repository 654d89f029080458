/**
 * Formatting is fixed, not failed: the repository's own formatter when it has one configured,
 * else prettier on the changed files it supports. The report says which files it rewrote.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { configuredCommand } from "../commands.js";
import { runTool, tail } from "../run-command.js";
import { ownBin, repoBin } from "../tools.js";
import type { CheckContext, CheckOutcome, GateCheck } from "../types.js";

const prettierFiles =
  /\.(?:[cm]?[jt]sx?|json|jsonc|json5|css|scss|less|md|mdx|ya?ml|html|vue|graphql|gql|hbs)$/;

async function fingerprints(dir: string, files: string[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (const file of files) {
    const content = await readFile(path.join(dir, file)).catch(() => undefined);
    result.set(file, content ? createHash("sha1").update(content).digest("hex") : "");
  }
  return result;
}

function prettierArgv(ctx: CheckContext): string[] | undefined {
  const local = repoBin(ctx.dir, "prettier");
  return local ? [local] : ownBin("prettier");
}

export const formatCheck: GateCheck = {
  name: "format",
  description: "formats the changed files in place (the repository's formatter, else prettier)",
  comparesWithBaseline: false,
  appliesTo(ctx) {
    if (ctx.files.length === 0) return false;
    return (
      configuredCommand("format", ctx.settings, ctx.profile) !== undefined ||
      ctx.files.some((f) => prettierFiles.test(f))
    );
  },
  async run(ctx): Promise<CheckOutcome> {
    const configured = configuredCommand("format", ctx.settings, ctx.profile);
    const before = await fingerprints(ctx.dir, ctx.files);
    let argv: string[];
    if (configured) {
      argv = configured.argv;
    } else {
      const prettier = prettierArgv(ctx);
      if (!prettier)
        return { status: "skipped", summary: "prettier is not installed", findings: [] };
      argv = [
        ...prettier,
        "--write",
        "--ignore-unknown",
        "--log-level",
        "warn",
        "--",
        ...ctx.files.filter((f) => prettierFiles.test(f)),
      ];
    }
    const result = await runTool(ctx, argv);
    const after = await fingerprints(ctx.dir, ctx.files);
    const fixedFiles = ctx.files.filter((f) => before.get(f) !== after.get(f));
    const findings =
      result.exitCode === 0
        ? []
        : [
            {
              message: `the formatter could not format every file (exit ${result.exitCode}): ${tail(result.output, 300)}`,
              severity: "warning" as const,
            },
          ];
    const summary =
      fixedFiles.length > 0
        ? `formatted ${fixedFiles.length} file(s): ${fixedFiles.join(", ")}`
        : "the changed files were already formatted";
    return { status: "pass", summary, output: tail(result.output), findings, fixedFiles };
  },
};
