/**
 * .github/patchsmith.yml: what a repository asks of patchsmith. Parsed once with zod;
 * every problem is reported at once, with the file and the line.
 */
import { z } from "zod";
import { ConfigError, MODES, type Mode } from "../core/index.js";
import { mergeUnder, readConfigLayer, type ConfigLayer } from "./config-layer.js";
import { problemOf, unknownKeyProblem } from "./config-problems.js";
import { findUnknownKeys, withoutKeys } from "./schema-shape.js";

export const REPO_CONFIG_PATH = ".github/patchsmith.yml";

const command = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const usd = z.number().positive().max(10_000);

/**
 * Every key a repository can set. Keys are camelCase (the Probot convention); all have
 * defaults, so an empty file is valid. Stages read the parsed value, never the YAML.
 */
export const repoConfigSchema = z
  .object({
    trigger: z
      .object({
        /** The label that starts a run on an issue. */
        label: z.string().min(1).max(50).default("patchsmith"),
        /** Modes users may ask for; others get a reply listing these. */
        modes: z
          .array(z.enum(MODES as [Mode, ...Mode[]]))
          .min(1)
          .default([...MODES]),
        /**
         * An issue opened by someone without write access is worked on only after a
         * maintainer adds this label.
         */
        approvalLabel: z.string().min(1).max(50).default("patchsmith:approved"),
        /** Bot accounts (e.g. "renovate[bot]") whose triggers and comments are accepted. */
        allowedBots: z.array(z.string().min(1)).default([]),
      })
      .prefault({}),
    /** Model per stage; unset stages use the installation's default model. */
    models: z
      .object({
        plan: z.string().min(1).optional(),
        implement: z.string().min(1).optional(),
        repair: z.string().min(1).optional(),
        feedback: z.string().min(1).optional(),
      })
      .prefault({}),
    /** Spending caps; the installation's own caps (environment) always apply as well. */
    budget: z
      .object({
        jobUsd: usd.optional(),
        jobTokens: z.number().int().positive().optional(),
        dailyUsd: usd.optional(),
      })
      .prefault({}),
    /** Stop after posting the plan; `/approve` continues. */
    planApproval: z.boolean().default(false),
    /** Extra instructions given to the model on every run in this repository. */
    instructions: z.string().max(20_000).optional(),
    pullRequest: z
      .object({
        branchPrefix: z
          .string()
          .regex(/^[A-Za-z0-9._/-]+\/$/, "must end with / and use only letters, digits, . _ - /")
          .default("patchsmith/"),
        /** "auto": draft when the gate did not pass. "always": every PR starts as a draft. */
        draft: z.enum(["auto", "always"]).default("auto"),
      })
      .prefault({}),
    context: z
      .object({
        budgetTokens: z.number().int().min(1000).max(400_000).default(60_000),
        exclude: z.array(z.string()).default([]),
      })
      .prefault({}),
    implement: z
      .object({
        maxTurns: z.number().int().min(1).max(200).default(40),
      })
      .prefault({}),
    commands: z
      .object({
        /** Runs once after install, before the checks (code generation, build steps). */
        setup: command.optional(),
        install: command.optional(),
        format: command.optional(),
        lint: command.optional(),
        typecheck: command.optional(),
        test: command.optional(),
      })
      .prefault({}),
    gate: z
      .object({
        repairRounds: z.number().int().min(0).max(10).default(3),
        /** Checks to leave out, by name (format, lint, typecheck, tests, secrets, policy). */
        skip: z.array(z.string()).default([]),
        timeoutSeconds: z.number().int().min(10).max(7200).default(900),
        installNetwork: z.boolean().default(true),
      })
      .prefault({}),
    feedback: z
      .object({
        /** Rounds of review feedback one pull request gets; past that the bot says so. */
        maxRounds: z.number().int().min(0).max(50).default(5),
      })
      .prefault({}),
    ci: z
      .object({
        /** Repair a failing check suite or workflow run on the bot's pull request. */
        repair: z.boolean().default(true),
        maxRepairs: z.number().int().min(0).max(10).default(2),
      })
      .prefault({}),
    quotas: z
      .object({
        /** Triggers one person may make per hour in this repository. */
        perUserPerHour: z.number().int().min(1).max(1000).default(10),
        /** Triggers the repository may make per hour, everyone together. */
        perRepoPerHour: z.number().int().min(1).max(10_000).default(30),
      })
      .prefault({}),
    policy: z
      .object({
        protectedPaths: z.array(z.string()).default([]),
        maxChangedFiles: z.number().int().min(1).default(30),
        maxChangedLines: z.number().int().min(1).default(1500),
        allowNewDependencies: z.boolean().default(false),
      })
      .prefault({}),
  })
  .strict();

export type RepoConfig = z.infer<typeof repoConfigSchema>;

export const defaultRepoConfig = (): RepoConfig => repoConfigSchema.parse({});

/** Parses the YAML text of .github/patchsmith.yml; an empty or missing file gives the defaults. */
export function parseRepoConfig(text: string | undefined, source = REPO_CONFIG_PATH): RepoConfig {
  return loadRepoConfig({ repo: { text, source } });
}

export interface ConfigText {
  text: string | undefined;
  source: string;
}

/**
 * The configuration a job runs with: the organization's defaults (its `.github`
 * repository's .github/patchsmith.yml) with the repository's own file on top. Both are
 * checked, and every problem in either is reported at once, each with its file and line.
 * Keys may be written camelCase or snake_case.
 */
export function loadRepoConfig(files: { repo: ConfigText; organization?: ConfigText }): RepoConfig {
  const layers = [files.organization, files.repo]
    .filter((f): f is ConfigText => f !== undefined)
    .map((f) => readConfigLayer(f.text, f.source));
  const problems: string[] = [];
  const failing: string[] = [];
  for (const layer of layers) {
    const layerProblems = checkLayer(layer);
    if (layerProblems.length > 0) failing.push(layer.source);
    // The repository's own file is the usual one, so its problems need no file name.
    const prefix = layer.source === files.repo.source ? "" : `${layer.source}, `;
    problems.push(...layerProblems.map((p) => `${prefix}${p}`));
  }
  if (problems.length > 0) throw new ConfigError(failing.join(" and "), problems);
  const merged = layers.reduce<Record<string, unknown>>(
    (under, l) => mergeUnder(under, l.value),
    {},
  );
  return repoConfigSchema.parse(merged);
}

function checkLayer(layer: ConfigLayer): string[] {
  if (layer.problems.length > 0) return layer.problems;
  const unknown = findUnknownKeys(layer.value, repoConfigSchema);
  const problems = unknown.map((u) => unknownKeyProblem(layer, u.path, u.known));
  const result = repoConfigSchema.safeParse(
    withoutKeys(
      layer.value,
      unknown.map((u) => u.path),
    ),
  );
  if (!result.success) problems.push(...result.error.issues.map((i) => problemOf(layer, i)));
  const lineOf = (problem: string) => Number(/^line (\d+)/.exec(problem)?.[1] ?? 0);
  return problems.sort((a, b) => lineOf(a) - lineOf(b));
}

export function commandArgv(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : ["sh", "-c", value];
}
