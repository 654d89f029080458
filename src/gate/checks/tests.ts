/** The repository's tests: the configured or detected command (npm test, pytest, cargo, go, maven). */
import { configuredCommand, detectTestCommand } from "../commands.js";
import { parseTestFailures } from "../parse-output.js";
import { abnormalEnd, runTool, tail } from "../run-command.js";
import { onPath } from "../tools.js";
import type { CheckContext, CheckOutcome, GateCheck } from "../types.js";

/** pytest's "no tests were collected": nothing failed. */
const PYTEST_NO_TESTS = 5;

function testCommand(ctx: CheckContext) {
  return (
    configuredCommand("test", ctx.settings, ctx.profile) ??
    detectTestCommand(ctx.dir, (name) => onPath(ctx.dir, name))
  );
}

export const testsCheck: GateCheck = {
  name: "tests",
  description: "the repository's test command",
  comparesWithBaseline: true,
  scope: "repository",
  appliesTo(ctx) {
    return testCommand(ctx) !== undefined;
  },
  async run(ctx): Promise<CheckOutcome> {
    const command = testCommand(ctx)!;
    const result = await runTool(ctx, command.argv);
    const ended = abnormalEnd(result, ctx.timeoutMs);
    const pytest = command.argv.includes("pytest");
    if (!ended && (result.exitCode === 0 || (pytest && result.exitCode === PYTEST_NO_TESTS))) {
      return {
        status: "pass",
        summary: `\`${command.name}\` passed`,
        output: tail(result.output, 1500),
        findings: [],
      };
    }
    // Paths in test names are made relative so that the baseline's run, in another directory, matches.
    const output = result.output.replaceAll(`${ctx.dir}/`, "");
    const findings = parseTestFailures(output);
    if (ended) findings.push({ message: `the test command ${ended}`, severity: "error" });
    const summary =
      findings.length > 0
        ? `\`${command.name}\` failed: ${findings.length} failure(s)`
        : `\`${command.name}\` failed (exit ${result.exitCode})`;
    return { status: "fail", summary, output: tail(output), findings };
  },
};
