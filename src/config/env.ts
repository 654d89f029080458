/**
 * The process environment, parsed once at start. Nothing else reads process.env.
 * All problems are reported together, each with what to do.
 */
import { z } from "zod";
import { ConfigError } from "../core/index.js";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

export const envSchema = z.object({
  APP_ID: z.string().optional(),
  PRIVATE_KEY: z.string().optional(),
  PRIVATE_KEY_PATH: z.string().optional(),
  WEBHOOK_SECRET: z.string().optional(),
  /** Which LanguageModel adapter runs the stages. */
  PATCHSMITH_PROVIDER: z.enum(["anthropic", "openai-compatible"]).default("anthropic"),
  ANTHROPIC_API_KEY: z.string().optional(),
  /** For PATCHSMITH_PROVIDER=openai-compatible: a /v1/chat/completions server (vLLM, Ollama, a gateway). */
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: z.string().url().optional(),
  PATCHSMITH_MODEL: z.string().default("claude-sonnet-4-5"),
  PATCHSMITH_PLAN_MODEL: z.string().optional(),
  PATCHSMITH_IMPLEMENT_MODEL: z.string().optional(),
  PATCHSMITH_REPAIR_MODEL: z.string().optional(),
  PATCHSMITH_FEEDBACK_MODEL: z.string().optional(),
  /** Providers that take a call the first one cannot serve: "openai-compatible:gpt-4o,anthropic:claude-haiku-4-5". */
  PATCHSMITH_FALLBACK: z.string().optional(),
  /** Price overrides, JSON: {"model-prefix": {"input": 3, "output": 15}} in USD per million tokens. */
  PATCHSMITH_PRICES: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as Record<string, unknown>;
      } catch {
        ctx.addIssue({
          code: "custom",
          message: 'must be JSON, e.g. {"my-model": {"input": 1, "output": 2}}',
        });
        return z.NEVER;
      }
    })
    .pipe(
      z.record(
        z.string(),
        z.object({
          input: z.number().min(0),
          output: z.number().min(0),
          cacheWrite: z.number().min(0).optional(),
          cacheRead: z.number().min(0).optional(),
        }),
      ),
    )
    .optional(),
  PATCHSMITH_MAX_COST_USD: z.coerce.number().positive().default(5),
  /** Tokens (input, output and cache) one job may use; unset means no token cap. */
  PATCHSMITH_MAX_TOKENS: z.coerce.number().int().positive().optional(),
  /**
   * What one repository's jobs together may spend per UTC day, in USD; a repository's
   * `budget.dailyUsd` can lower it, never raise it. Unset: no default daily budget.
   */
  PATCHSMITH_DAILY_USD_PER_REPO: z.coerce.number().positive().optional(),
  /** What all repositories of one installation together may spend per UTC day, in USD. */
  PATCHSMITH_DAILY_USD_PER_INSTALLATION: z.coerce.number().positive().optional(),
  /** Where git clones from; GitHub Enterprise Server or a local directory in tests. */
  GIT_BASE_URL: z.string().default("https://github.com"),
  GITHUB_API_URL: z.string().url().optional(),
  PATCHSMITH_BOT_NAME: z.string().default("patchsmith[bot]"),
  PATCHSMITH_BOT_EMAIL: z.string().default("patchsmith[bot]@users.noreply.github.com"),
  PATCHSMITH_WORK_DIR: z.string().optional(),
  /** Durable state (the embedded queue's SQLite file, spend ledger); default <work dir>/data. */
  PATCHSMITH_DATA_DIR: z.string().optional(),
  /** When set, the queue is BullMQ on this Redis and `serve`/`worker` can run apart. */
  REDIS_URL: z.string().optional(),
  PATCHSMITH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Stored webhook deliveries handled at once by `serve` (GitHub calls, not jobs). */
  PATCHSMITH_INBOX_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** When set, `serve` redelivers the app's failed webhook deliveries every N minutes. */
  PATCHSMITH_RECONCILE_MINUTES: z.coerce.number().int().min(1).max(1440).optional(),
  SANDBOX: z.enum(["auto", "required", "off"]).default("auto"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  PORT: z.coerce.number().int().default(3000),
  HOST: z.string().optional(),
  NODE_ENV: z.string().optional(),
  /** Set by CI systems; the command line then shows no progress. */
  CI: z.string().optional(),
  PATCHSMITH_DEBUG_PROMPTS: bool.default(false),
  /** A directory: every model exchange of every job is written there as a cassette (<job id>.json). */
  PATCHSMITH_RECORD: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ""),
  );
  const result = envSchema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    "environment",
    result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
  );
}

/** What the worker cannot run without; said all at once. */
export function requireWorkerEnv(env: Env, { github }: { github: boolean }): void {
  const problems: string[] = [];
  if (env.PATCHSMITH_PROVIDER === "openai-compatible") {
    if (!env.OPENAI_BASE_URL) {
      problems.push(
        "OPENAI_BASE_URL is not set: PATCHSMITH_PROVIDER=openai-compatible needs the server's base URL (for example http://localhost:8000/v1)",
      );
    }
  } else if (!env.ANTHROPIC_API_KEY) {
    problems.push(
      "ANTHROPIC_API_KEY is not set: create a key at https://console.anthropic.com and put it in .env",
    );
  }
  if (github) {
    if (!env.APP_ID)
      problems.push(
        "APP_ID is not set: run `npm start` once and register the app, or copy it from the app's settings page",
      );
    if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) {
      problems.push(
        "PRIVATE_KEY (or PRIVATE_KEY_PATH) is not set: generate a private key on the app's settings page",
      );
    }
  }
  if (problems.length > 0) throw new ConfigError("environment", problems);
}

/**
 * The part of the process environment that tools we trust (git) may inherit:
 * enough to find programs and a home, never a credential.
 */
export function toolEnv(
  source: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const keep = [
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "TMPDIR",
    "USER",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
  ];
  const out: Record<string, string> = {};
  for (const key of keep) {
    const value = source[key];
    if (value) out[key] = value;
  }
  return out;
}

/**
 * The environment Probot reads (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, ...) without REDIS_URL:
 * given REDIS_URL, Probot would build its own throttling connection through npx-import
 * (see src/github/throttle.ts); patchsmith builds that connection itself.
 */
export function probotEnv(
  source: Record<string, string | undefined> = process.env,
): Record<string, string | undefined> {
  const { REDIS_URL: _redis, ...rest } = source;
  return rest;
}

/** Loads ./.env into the process environment when the file exists (values already set win). */
export function loadDotEnv(file = ".env"): void {
  try {
    process.loadEnvFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** The worker's own credentials: registered with the redactor so that no copy of one leaves. */
export function secretValuesOf(env: Env): string[] {
  return [env.ANTHROPIC_API_KEY, env.OPENAI_API_KEY, env.PRIVATE_KEY, env.WEBHOOK_SECRET].filter(
    (value): value is string => typeof value === "string" && value.length > 0,
  );
}

/** The token of a GitHub Actions run, as @probot/adapter-github-actions looks for it. */
export function actionToken(
  source: Record<string, string | undefined> = process.env,
): string | undefined {
  return source.GITHUB_TOKEN || source.INPUT_GITHUB_TOKEN || source.INPUT_TOKEN || undefined;
}
