/**
 * docs/config.schema.json (for editor completion) and docs/configuration.md (the
 * reference), both generated from the zod schema so they cannot drift from it:
 * `npm run docs:config` writes them, and a unit test fails when the committed ones are stale.
 */
import { z } from "zod";
import { camelKey } from "./config-layer.js";
import { repoConfigSchema } from "./repo-config.js";

/** What each key does, by dotted path; a key without one is listed without a description. */
const DESCRIPTIONS: Record<string, string> = {
  trigger: "What starts a run and who may start one.",
  "trigger.label": "The label that starts a run when added to an issue.",
  "trigger.modes":
    "Modes users may ask for (`/generate tests ...`); others get a reply listing these.",
  "trigger.approvalLabel":
    "An issue opened by someone without write access is worked on only after a maintainer adds this label.",
  "trigger.allowedBots":
    'Bot accounts (e.g. "renovate[bot]") whose triggers and comments are accepted.',
  models: "The model per stage; an unset stage uses the installation's default model.",
  "models.plan": "Model that writes the plan.",
  "models.implement": "Model that edits the code.",
  "models.repair": "Model for the repair rounds after the quality gate.",
  "models.feedback": "Model that answers review comments.",
  budget: "Spending caps for this repository; the installation's own caps always apply as well.",
  "budget.jobUsd": "Most one run may spend, in US dollars.",
  "budget.jobTokens": "Most tokens one run may use.",
  "budget.dailyUsd":
    "What all runs here may spend per UTC day (USD); lowers PATCHSMITH_DAILY_USD_PER_REPO.",
  planApproval: "Stop after posting the plan; a maintainer's `/approve` continues the run.",
  instructions: "Extra instructions given to the model on every run in this repository.",
  pullRequest: "How the pull request is opened.",
  "pullRequest.branchPrefix": "Prefix of the work branch; must end with `/`.",
  "pullRequest.draft":
    '"auto": a draft when the gate did not pass. "always": every pull request starts as a draft.',
  context: "What the model sees of the repository.",
  "context.budgetTokens": "Tokens of repository context (files, repo map) given to the model.",
  "context.exclude": "Glob patterns of files never shown to the model.",
  implement: "The edit loop.",
  "implement.maxTurns": "Most model turns one implement step may take.",
  commands:
    "Commands to use where detection picks the wrong ones: text (run by `sh -c`) or a list of arguments.",
  "commands.setup": "Runs once after install, before the checks (code generation, build steps).",
  "commands.install": "Installs the dependencies.",
  "commands.format": "Formats the code (its fixes to the model's files are kept).",
  "commands.lint": "Lints the code.",
  "commands.typecheck": "Type-checks the code.",
  "commands.test": "Runs the tests.",
  gate: "The quality gate and its repair loop.",
  "gate.repairRounds":
    "Rounds of repair after a failing gate before the pull request is opened as a draft.",
  "gate.skip": "Checks to leave out, by name: format, lint, typecheck, tests, secrets, policy.",
  "gate.timeoutSeconds": "Time limit of each check's command.",
  "gate.installNetwork": "Allow network access while installing dependencies (tests never get it).",
  feedback: "Answers to review comments on the bot's pull requests.",
  "feedback.maxRounds":
    "Rounds of review feedback one pull request gets; past that the bot says so.",
  ci: "Repairs of failing CI on the bot's pull requests.",
  "ci.repair": "Repair a failing check suite or workflow run on the bot's pull request.",
  "ci.maxRepairs": "Most CI repairs per pull request.",
  quotas: "Limits on how often runs can be started.",
  "quotas.perUserPerHour": "Triggers one person may make per hour in this repository.",
  "quotas.perRepoPerHour": "Triggers the repository may make per hour, everyone together.",
  policy: "What a change may touch.",
  "policy.protectedPaths":
    "Glob patterns of files the model may not change (`.github/workflows/**` always is).",
  "policy.maxChangedFiles": "Most files one change may touch.",
  "policy.maxChangedLines": "Most lines one change may add and remove.",
  "policy.allowNewDependencies": "Allow the change to add dependencies to manifests.",
};

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema> };

function snakeKey(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Descriptions added, every object closed, and each camelCase key's snake_case spelling accepted. */
function decorate(schema: JsonSchema, path: string[]): JsonSchema {
  const properties = schema.properties;
  if (!properties) return schema;
  const out: Record<string, JsonSchema> = {};
  for (const [key, child] of Object.entries(properties)) {
    const dotted = [...path, key].join(".");
    const described = { ...decorate(child, [...path, key]) };
    if (DESCRIPTIONS[dotted]) described.description = DESCRIPTIONS[dotted];
    out[key] = described;
  }
  for (const [key, child] of Object.entries(out)) {
    const snake = snakeKey(key);
    if (snake !== key && camelKey(snake) === key)
      out[snake] = { ...child, description: `Same as \`${key}\`.` };
  }
  return { ...schema, properties: out, additionalProperties: false };
}

export function configJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(repoConfigSchema, { io: "input" }) as JsonSchema;
  return {
    ...decorate(generated, []),
    $id: "https://patchsmith.dev/config.schema.json",
    title: "patchsmith repository configuration (.github/patchsmith.yml)",
  };
}

function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" \\| ");
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).map(typeOf).join(" or ");
  if (schema.type === "array") return `list of ${typeOf((schema.items ?? {}) as JsonSchema)}`;
  const bounds = [
    schema.minimum !== undefined ? `≥ ${String(schema.minimum)}` : "",
    typeof schema.maximum === "number" && schema.maximum < Number.MAX_SAFE_INTEGER
      ? `≤ ${String(schema.maximum)}`
      : "",
  ].filter(Boolean);
  return `${String(schema.type ?? "any")}${bounds.length ? ` (${bounds.join(", ")})` : ""}`;
}

export function configReferenceMarkdown(): string {
  const schema = configJsonSchema();
  const rows: string[] = [];
  const walk = (properties: Record<string, JsonSchema>, path: string[]) => {
    for (const [key, child] of Object.entries(properties)) {
      if (String(child.description ?? "").startsWith("Same as `")) continue;
      const dotted = [...path, key].join(".");
      if (child.properties) {
        rows.push(`| **\`${dotted}\`** | | | ${child.description ?? ""} |`);
        walk(child.properties, [...path, key]);
        continue;
      }
      const fallback = child.default === undefined ? "" : `\`${JSON.stringify(child.default)}\``;
      rows.push(`| \`${dotted}\` | ${typeOf(child)} | ${fallback} | ${child.description ?? ""} |`);
    }
  };
  walk(schema.properties ?? {}, []);
  return [
    "<!-- Generated by `npm run docs:config` from src/config/repo-config.ts; do not edit. -->",
    "",
    "# Configuration reference",
    "",
    "A repository configures patchsmith in `.github/patchsmith.yml`. Every key is optional.",
    "An organization sets defaults for all its repositories in the same file in its `.github`",
    "repository; a repository's own file goes on top (mappings merge key by key, a list replaces",
    "the default's list). Keys may be written camelCase (`planApproval`) or snake_case",
    "(`plan_approval`).",
    "",
    "Problems are reported all at once in the status comment, each with its line and what to",
    "write instead; an unknown key is named with the closest known one. For completion in an",
    "editor, point it at [config.schema.json](config.schema.json), for example with the YAML",
    "language server: `# yaml-language-server: $schema=<url of config.schema.json>`.",
    "",
    "| Key | Type | Default | What it does |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}
