/**
 * The model per stage for one job: the repository's choice (.github/patchsmith.yml `models`)
 * over the installation's (PATCHSMITH_<STAGE>_MODEL, then PATCHSMITH_MODEL, which the adapter
 * applies). Wraps the process-wide model, so jobs of different repositories do not interfere.
 */
import type { LanguageModel, ModelRequest, ModelResponse } from "../core/index.js";

export interface StageModels {
  model: LanguageModel;
  /** Sets the repository's models once its configuration is read. */
  setModels(models: Partial<Record<string, string | undefined>>): void;
}

export function createStageModels(inner: LanguageModel): StageModels {
  let byStage: Partial<Record<string, string | undefined>> = {};
  return {
    model: {
      name: inner.name,
      generate(request: ModelRequest): Promise<ModelResponse> {
        // A repair round is an implement loop: without a repair model of its own it uses that one.
        const chosen =
          request.model ??
          byStage[request.stage] ??
          (request.stage === "repair" ? byStage.implement : undefined);
        return inner.generate(chosen ? { ...request, model: chosen } : request);
      },
    },
    setModels(models) {
      byStage = { ...models };
    },
  };
}
