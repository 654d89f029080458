/**
 * The cassette file: the exchanges (request and response) of one job with a model, as
 * PATCHSMITH_RECORD writes them and the replay model serves them. Written with sorted keys and
 * without timestamps, so that recording the same run twice gives the same file and a
 * re-recorded cassette diffs cleanly in review.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ModelError, type ModelRequest, type ModelResponse } from "../core/index.js";

/** Bumped when the shape changes in a way an older reader would misread. */
export const CASSETTE_FORMAT = "patchsmith-cassette/1";

export interface CassetteExchange {
  request: ModelRequest;
  response: ModelResponse;
}

export interface Cassette {
  format: typeof CASSETTE_FORMAT;
  /** Free text saying where the answers came from (a real model, a scripted one). */
  note?: string;
  job?: { kind: string; repo: string; number: number; mode?: string };
  /** The model that answered (its adapter's name). */
  model?: string;
  exchanges: CassetteExchange[];
}

const block = z.union([
  z.object({ type: z.literal("text"), text: z.string() }),
  z.object({ type: z.literal("tool_use"), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({
    type: z.literal("tool_result"),
    toolUseId: z.string(),
    content: z.string(),
    isError: z.boolean().optional(),
  }),
]);

const exchangeSchema = z.object({
  request: z.looseObject({
    stage: z.string(),
    system: z.string(),
    messages: z.array(z.object({ role: z.enum(["user", "assistant"]), content: z.array(block) })),
    maxTokens: z.number(),
  }),
  response: z.looseObject({
    content: z.array(block),
    stopReason: z.string(),
    usage: z.looseObject({ inputTokens: z.number(), outputTokens: z.number() }),
    model: z.string(),
    costUsd: z.number(),
  }),
});

const cassetteSchema = z.looseObject({
  format: z.literal(CASSETTE_FORMAT),
  exchanges: z.array(exchangeSchema),
});

/** A copy of a JSON value with object keys sorted, so that serializing it is stable. */
export function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function serializeCassette(cassette: Cassette): string {
  // The top level keeps a reading order (format first); everything inside is sorted.
  const ordered = {
    format: cassette.format,
    ...(cassette.note !== undefined ? { note: cassette.note } : {}),
    ...(cassette.job ? { job: sortedKeys(cassette.job) } : {}),
    ...(cassette.model !== undefined ? { model: cassette.model } : {}),
    exchanges: cassette.exchanges.map((e) => ({
      request: sortedKeys(e.request),
      response: sortedKeys(e.response),
    })),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export function parseCassette(text: string, file: string): Cassette {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelError(`cassette ${file} is not JSON: ${(error as Error).message}`, {
      userMessage: `The cassette ${file} is not valid JSON. Record it again with PATCHSMITH_RECORD=DIR.`,
    });
  }
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== CASSETTE_FORMAT) {
    throw new ModelError(`cassette ${file} has format ${JSON.stringify(format)}`, {
      userMessage: `The cassette ${file} has format ${JSON.stringify(format ?? null)}; this patchsmith reads "${CASSETTE_FORMAT}". Record it again with this version (PATCHSMITH_RECORD=DIR).`,
    });
  }
  const result = cassetteSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join(".")}: ${i.message}`)
      .join("; ");
    throw new ModelError(`cassette ${file} is malformed: ${problems}`, {
      userMessage: `The cassette ${file} is malformed (${problems}). Record it again with PATCHSMITH_RECORD=DIR.`,
    });
  }
  return json as Cassette;
}

export async function readCassette(file: string): Promise<Cassette> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ModelError(`cannot read cassette ${file}: ${(error as Error).message}`, {
      userMessage: `Cannot read the cassette ${file}: give the path of a file that PATCHSMITH_RECORD wrote.`,
    });
  }
  return parseCassette(text, file);
}
