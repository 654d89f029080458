/** What `patchsmith --help` and `patchsmith <command> --help` print: every command, with an example. */

export interface CommandHelp {
  name: string;
  summary: string;
  usage: string;
  details: string;
  example: string;
}

export const COMMANDS: CommandHelp[] = [
  {
    name: "serve",
    summary: "Run the GitHub App: webhooks, /healthz, /metrics and the worker in one process.",
    usage: "patchsmith serve [--no-worker]",
    details:
      "Listens on PORT (default 3000). With no APP_ID/PRIVATE_KEY it starts the registration page, which creates the app from app.yml and writes .env. Jobs are stored in the durable queue under PATCHSMITH_DATA_DIR before the webhook is answered. --no-worker only receives and stores jobs; run `patchsmith worker` beside it on the same machine.",
    example: "PORT=3000 patchsmith serve",
  },
  {
    name: "worker",
    summary: "Run jobs from the durable queue, without a web server.",
    usage: "patchsmith worker",
    details:
      "Takes jobs from the SQLite queue in PATCHSMITH_DATA_DIR (the same directory `serve --no-worker` writes to), PATCHSMITH_CONCURRENCY at a time. SIGTERM stops taking jobs and hands running ones back after a grace period.",
    example: "PATCHSMITH_DATA_DIR=/var/lib/patchsmith patchsmith worker",
  },
  {
    name: "redeliver",
    summary: "Ask GitHub to redeliver the app's webhooks that failed.",
    usage: "patchsmith redeliver [--since 1h] [--dry-run]",
    details:
      "Lists the app's webhook deliveries since then (app JWT: APP_ID and PRIVATE_KEY) and asks GitHub to redeliver each failed one that was not delivered since. --dry-run only lists them.",
    example: "patchsmith redeliver --since 6h --dry-run",
  },
  {
    name: "run",
    summary: "The whole pipeline on a local repository; leaves a branch and prints the PR body.",
    usage:
      "patchsmith run --repo DIR --issue-file FILE [--mode implement|tests|refactor|docs] [--instructions TEXT] [--base BRANCH] [--json] [--replay CASSETTE]",
    details:
      "The issue file is Markdown whose first line is the title. The branch with the commits is left in DIR; exit 0 when the gate passes, 1 when it does not or the run failed. --json prints the outcome (status, branch, cost, timings, templates) instead of the body. With PATCHSMITH_RECORD=DIR every model exchange is written to DIR/<job>.json; --replay CASSETTE answers from such a file instead of a model (no key, no network), and fails when a request differs from the recorded one or the cassette is not used up.",
    example: "patchsmith run --repo . --issue-file issue.md --mode tests",
  },
  {
    name: "localize",
    summary: "Rank the files of a repository for an issue.",
    usage:
      "patchsmith localize --repo DIR --issue-file FILE [--top K] [--json] [--explain] [--cache-dir DIR]",
    details:
      "The index of a commit is cached (by default under PATCHSMITH_WORK_DIR/cache), so a second run on the same commit is fast.",
    example: "patchsmith localize --repo . --issue-file issue.md --top 5 --explain",
  },
  {
    name: "gate",
    summary: "Run the quality gate on the working tree's changes against a base.",
    usage: "patchsmith gate --repo DIR [--base REF] [--json]",
    details:
      "Format, lint, type-check, tests, secrets and policy, each compared with REF (default HEAD). Exit 0 when nothing blocks, 1 when something does.",
    example: "patchsmith gate --repo . --base main --json",
  },
  {
    name: "eval",
    summary: "Measure patchsmith on benchmark instances: resolved, failed and cost per instance.",
    usage: "patchsmith eval --dataset FILE.jsonl --repos DIR [--only ID,ID] [--json]",
    details:
      'One JSON object a line: {"id", "repo" (a git repository under --repos), "baseCommit", "issue": {"title", "body"} (or "problemStatement"), "testCommand" (text or argv)}. Each instance runs the same pipeline as `patchsmith run` on a copy of the repository at baseCommit; it is resolved when its test command passes on the result. Needs a model key (ANTHROPIC_API_KEY).',
    example: "patchsmith eval --dataset bench/tasks.jsonl --repos ~/src --json > results.json",
  },
  {
    name: "action",
    summary: "The GitHub Action entry (used by action.yml): handles the workflow's one event.",
    usage: "patchsmith action",
    details:
      "Reads GITHUB_EVENT_NAME and GITHUB_EVENT_PATH, authenticates with GITHUB_TOKEN, runs the job on the runner and exits when it is done. See docs/github-action.md.",
    example:
      "GITHUB_TOKEN=... GITHUB_EVENT_NAME=issues GITHUB_EVENT_PATH=event.json patchsmith action",
  },
  {
    name: "demo",
    summary: "See patchsmith work in a minute: the whole pipeline on a sample repository, no key.",
    usage: "patchsmith demo [--keep]",
    details:
      "Copies the sample repository shipped in demo/ to a temp dir, makes it a git repository and runs the same pipeline as `patchsmith run` on its issue, printing each stage, the plan, the diff and the gate report. The model's answers are replayed from demo/cassette.json (recorded from a scripted model by `npm run demo:record`): no API key, no GitHub, no network. --keep leaves the repository and its branch in the temp dir.",
    example: "npx patchsmith demo",
  },
  {
    name: "help",
    summary: "Show this text, or one command's (`patchsmith help run`).",
    usage: "patchsmith help [COMMAND]",
    details: "Every command also takes --help.",
    example: "patchsmith run --help",
  },
];

export function usage(extra: CommandHelp[] = []): string {
  const all = [...COMMANDS, ...extra];
  const width = Math.max(...all.map((c) => c.name.length)) + 2;
  const lines = all.map(
    (c) => `  ${c.name.padEnd(width)}${c.summary}\n  ${" ".repeat(width)}e.g. ${c.example}`,
  );
  return [
    "Usage: patchsmith <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "`patchsmith <command> --help` says more about one command.",
    "Configuration comes from the environment (or .env); see README.md.",
  ].join("\n");
}

export function commandHelp(name: string, extra: CommandHelp[] = []): string | undefined {
  const command = [...COMMANDS, ...extra].find((c) => c.name === name);
  if (!command) return undefined;
  return `${command.summary}\n\nUsage: ${command.usage}\n\n${command.details}\n\nExample:\n  ${command.example}`;
}
