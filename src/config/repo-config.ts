/**
 * .github/patchsmith.yml: what a repository asks of patchsmith. Parsed once with zod;
 * every problem is reported at once, with the file and the line.
 */
import { isMap, parseDocument, LineCounter } from "yaml";
import { z } from "zod";
import { ConfigError } from "../core/index.js";

export const REPO_CONFIG_PATH = ".github/patchsmith.yml";

const command = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const repoConfigSchema = z
  .object({
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
  if (text === undefined || text.trim() === "") return defaultRepoConfig();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? "?"}: ${e.message.split("\n")[0]}`),
    );
  }
  const result = repoConfigSchema.safeParse(doc.toJS() ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const node =
      issue.path.length > 0 && isMap(doc.contents) ? doc.getIn(issue.path, true) : undefined;
    const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
    const where = offset === undefined ? "" : `line ${lineCounter.linePos(offset).line}: `;
    const at = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    return `${where}${at}${issue.message}`;
  });
  throw new ConfigError(source, problems);
}

export function commandArgv(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : ["sh", "-c", value];
}
