/**
 * PATCHSMITH_RECORD: every exchange a job's model completes is written to a cassette in DIR,
 * one file per job (`<job id>.json`, or `<job id>-2.json` when a retry of the job runs again).
 * The whole file is rewritten after each exchange (to a temporary name, then renamed), so it is
 * valid JSON at every moment, even when the job dies midway. Everything written passes the
 * worker's redactor first, the response included.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  PatchsmithError,
  type Job,
  type LanguageModel,
  type Logger,
  type ModelRequest,
  type ModelResponse,
  type Redactor,
} from "../core/index.js";
import { CASSETTE_FORMAT, serializeCassette, type Cassette } from "./cassette.js";

export interface RecordingOptions {
  dir: string;
  job: Pick<Job, "id" | "kind" | "repo" | "number" | "mode">;
  redactor: Redactor;
  logger?: Logger;
}

function redactAll<T>(value: T, redactor: Redactor): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redactor.redact(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

function fileSafe(id: string): string {
  return id.replace(/[^\w.-]+/g, "_").slice(0, 120) || "job";
}

async function claimFile(dir: string, id: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (let n = 1; ; n++) {
    const file = path.join(dir, `${fileSafe(id)}${n === 1 ? "" : `-${n}`}.json`);
    try {
      // "wx": a second run of the same job never overwrites the first one's cassette.
      await writeFile(file, "", { flag: "wx" });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

export function createRecordingModel(
  inner: LanguageModel,
  options: RecordingOptions,
): LanguageModel {
  const { job, redactor } = options;
  const cassette: Cassette = {
    format: CASSETTE_FORMAT,
    job: {
      kind: job.kind,
      repo: `${job.repo.owner}/${job.repo.name}`,
      number: job.number,
      ...(job.mode ? { mode: job.mode } : {}),
    },
    model: inner.name,
    exchanges: [],
  };
  let file: Promise<string> | undefined;
  let writes: Promise<void> = Promise.resolve();

  async function save(): Promise<void> {
    const target = await (file ??= claimFile(options.dir, job.id));
    const partial = `${target}.partial`;
    await writeFile(partial, serializeCassette(cassette));
    await rename(partial, target);
  }

  return {
    name: inner.name,
    async generate(request: ModelRequest): Promise<ModelResponse> {
      // Copied before the call: the caller keeps appending to its message arrays. The job's
      // cancel signal is no part of what was asked (and cannot be copied).
      const { signal: _signal, ...rest } = request;
      const asked = redactAll(structuredClone(rest), redactor);
      const response = await inner.generate(request);
      cassette.exchanges.push({
        request: asked,
        response: redactAll(structuredClone(response), redactor),
      });
      writes = writes.then(save);
      try {
        await writes;
      } catch (error) {
        writes = Promise.resolve();
        throw new PatchsmithError(`cannot write the cassette in ${options.dir}: ${String(error)}`, {
          userMessage: `PATCHSMITH_RECORD is set but the cassette could not be written in ${options.dir} (${(error as Error).message}). Give it a writable directory, or unset it.`,
          cause: error,
        });
      }
      options.logger?.debug(
        { exchange: cassette.exchanges.length, stage: request.stage },
        "recorded a model exchange",
      );
      return response;
    },
  };
}
