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
    usage: "patchsmith serve",
    details:
      "Listens on PORT (default 3000). Jobs are stored in PATCHSMITH_DATA_DIR/queue.db (SQLite) before the webhook is answered, and run in this process unless PATCHSMITH_SERVE_WORKER=false. With no APP_ID/PRIVATE_KEY it starts the registration page, which creates the app from app.yml and writes .env.",
    example: "PORT=3000 patchsmith serve",
  },
  {
    name: "worker",
    summary: "Run jobs from the queue serve stores them in, in a process of its own.",
    usage: "patchsmith worker",
    details:
      "Takes jobs from PATCHSMITH_DATA_DIR/queue.db, PATCHSMITH_CONCURRENCY at a time; any number of workers on the machine may share it. Needs the app's credentials (APP_ID, PRIVATE_KEY) and a model key. On SIGTERM it lets running jobs finish for PATCHSMITH_SHUTDOWN_GRACE_SECONDS, then hands them back.",
    example: "PATCHSMITH_SERVE_WORKER=false patchsmith serve & patchsmith worker",
  },
  {
    name: "run",
    summary: "The whole pipeline on a local repository; leaves a branch and prints the PR body.",
    usage:
      "patchsmith run --repo DIR --issue-file FILE [--mode implement|tests|refactor|docs] [--instructions TEXT] [--base BRANCH] [--json]",
    details:
      "The issue file is Markdown whose first line is the title. The branch with the commits is left in DIR; exit 0 when the gate passes, 1 when it does not or the run failed. --json prints the outcome (status, branch, cost, timings, templates) instead of the body.",
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
