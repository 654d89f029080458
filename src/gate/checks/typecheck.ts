/** Type-check: the configured command, else the repository's own `tsc --noEmit` when it has a tsconfig. */
import { configuredCommand } from "../commands.js";
import { parseLocated, parseTsc } from "../parse-output.js";
import { abnormalEnd, runTool, tail } from "../run-command.js";
import { hasFile, repoBin } from "../tools.js";
import type { CheckOutcome, GateCheck } from "../types.js";

export const typecheckCheck: GateCheck = {
  name: "typecheck",
  description: "tsc --noEmit when there is a tsconfig.json (or the configured type-check command)",
  comparesWithBaseline: true,
  scope: "repository",
  appliesTo(ctx) {
    return (
      configuredCommand("typecheck", ctx.settings, ctx.profile) !== undefined ||
      hasFile(ctx, "tsconfig.json")
    );
  },
  async run(ctx): Promise<CheckOutcome> {
    const command = configuredCommand("typecheck", ctx.settings, ctx.profile);
    let argv: string[];
    if (command) {
      argv = command.argv;
    } else {
      const tsc = repoBin(ctx.dir, "tsc");
      if (!tsc) {
        return {
          status: "skipped",
          summary: "tsconfig.json found but TypeScript is not installed in the repository",
          findings: [],
        };
      }
      argv = [tsc, "--noEmit", "--pretty", "false", "-p", "tsconfig.json"];
    }
    const result = await runTool(ctx, argv);
    const ended = abnormalEnd(result, ctx.timeoutMs);
    const tscFindings = parseTsc(result.output, ctx.dir);
    const findings = tscFindings.length > 0 ? tscFindings : parseLocated(result.output, ctx.dir);
    if (result.exitCode === 0 && !ended)
      return { status: "pass", summary: "no type errors", findings: [] };
    if (findings.length === 0) {
      findings.push({
        message: `the type check ${ended ?? `failed (exit ${result.exitCode})`}`,
        severity: "error",
      });
    }
    return {
      status: "fail",
      summary: `${findings.length} type error(s)`,
      output: tail(result.output),
      findings,
    };
  },
};
