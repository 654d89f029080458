/**
 * A LanguageModel that serves a cassette's responses in order. Each request must match the
 * recorded one (see request-match.ts); a request that does not, or one past the end of the
 * cassette, fails the run with a message naming the exchange, the field and both sides, and how
 * to record the cassette again. No network, no key: this is what `patchsmith run --replay` and
 * `patchsmith demo` use.
 */
import {
  ModelError,
  type LanguageModel,
  type ModelRequest,
  type ModelResponse,
} from "../core/index.js";
import { readCassette, type Cassette } from "./cassette.js";
import { comparableRequest, firstDifference } from "./request-match.js";

export interface ReplayOptions {
  /** Where the cassette came from, for messages. */
  file: string;
  /** How to make a new cassette, said in every mismatch (default: PATCHSMITH_RECORD). */
  rerecord?: string;
}

export interface ReplayModel extends LanguageModel {
  /** Exchanges served so far. */
  readonly used: number;
  readonly total: number;
  /** Throws when some recorded exchanges were never asked for (the run took a shorter path). */
  assertAllUsed(): void;
}

export const DEFAULT_RERECORD =
  "run the same command once with a real model and PATCHSMITH_RECORD=DIR set, then replay the file it writes in DIR";

export function createReplayModel(cassette: Cassette, options: ReplayOptions): ReplayModel {
  const rerecord = options.rerecord ?? DEFAULT_RERECORD;
  const exchanges = cassette.exchanges;
  let next = 0;
  const model: ReplayModel = {
    name: `replay:${options.file}`,
    get used() {
      return next;
    },
    total: exchanges.length,
    async generate(request: ModelRequest): Promise<ModelResponse> {
      const index = next;
      const recorded = exchanges[index];
      if (!recorded) {
        throw new ModelError(
          `replay: exchange ${index + 1} (stage ${request.stage}) is past the end of ${options.file}`,
          {
            userMessage: `The run asked the model for exchange ${index + 1} (stage ${request.stage}), but the cassette ${options.file} holds only ${exchanges.length}. The pipeline now makes more model calls than when it was recorded. To record it again, ${rerecord}.`,
          },
        );
      }
      const difference = firstDifference(
        comparableRequest(recorded.request),
        comparableRequest(request),
      );
      if (difference) {
        throw new ModelError(
          `replay: exchange ${index + 1} differs at ${difference.path}: expected ${difference.expected}, got ${difference.actual}`,
          {
            userMessage: [
              `The request for exchange ${index + 1} of ${exchanges.length} (stage ${request.stage}) does not match the cassette ${options.file}: \`${difference.path}\` differs.`,
              `  recorded: ${difference.expected}`,
              `  this run: ${difference.actual}`,
              `The prompts, templates or the repository changed since it was recorded. To record it again, ${rerecord}.`,
            ].join("\n"),
          },
        );
      }
      next += 1;
      return structuredClone(recorded.response);
    },
    assertAllUsed() {
      if (next < exchanges.length) {
        const unused = exchanges[next]!;
        throw new ModelError(`replay: ${next} of ${exchanges.length} exchanges used`, {
          userMessage: `The run used ${next} of the ${exchanges.length} exchanges in the cassette ${options.file}; the next one (stage ${unused.request.stage}) was never asked for. The pipeline now makes fewer model calls than when it was recorded. To record it again, ${rerecord}.`,
        });
      }
    },
  };
  return model;
}

export async function loadReplayModel(
  file: string,
  options: Omit<ReplayOptions, "file"> = {},
): Promise<ReplayModel> {
  return createReplayModel(await readCassette(file), { file, ...options });
}
