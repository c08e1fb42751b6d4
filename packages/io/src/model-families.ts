import type { Backend, Generator } from "@adaptive-sparse/core";
import { GPT, type CausalLM } from "@adaptive-sparse/nn";
import { gpt2ConfigFromHf, SUPPORTED_HF_ARCHITECTURES, writeHfConfig } from "./hf-config.js";
import { gpt2HfLayout } from "./hf-gpt2.js";
import { checkGpt2Weights } from "./gpt2-weights.js";
import type { HfLayout } from "./hf-layout.js";
import type { Gpt2Config } from "./gpt2-config.js";
import { LLAMA_FAMILIES, OPT_FAMILY } from "./llama-opt-families.js";
import type { CheckedWeights } from "./stream-weights.js";
import type { WeightDType } from "./hf-family-config.js";

/**
 * One model family of the Hugging Face layout: how its `config.json` maps to our config, how its
 * `model.safetensors` names map to our parameter names (both ways), and which `CausalLM` class runs it.
 * This table is the one place that names concrete model classes (`npm run check` enforces it for the
 * trainer, eval and the CLI); the LLaMA/OPT issue adds rows.
 */
export interface ModelFamily<Config = unknown> {
  /** The `model_type` of `config.json` (`"gpt2"`); also the `modelType` of the models it builds. */
  readonly modelType: string;
  /** The `architectures` entries it accepts (for messages). */
  readonly architectures: readonly string[];
  /** @throws ConfigError naming the key (prefixed by `where`) for a config the family cannot run */
  parseConfig(raw: Record<string, unknown>, where: string): Config;
  /**
   * A model with fresh weights on `backend`, drawn from `generator` (the family's default seed when omitted).
   * `init: false` asks for zeros filled on the device instead (a family may ignore it): loaders pass it.
   */
  create(config: Config, options: { backend?: Backend; generator?: Generator; init?: boolean }): CausalLM;
  /** The checkpoint `saveModel` writes for `config`, tensor by tensor, each naming the parameter it is stored from. */
  hfLayout(config: Config): HfLayout;
  /** Writes `config.json` for `config` (atomically); `weights` is how model.safetensors stores them (its `torch_dtype`). */
  writeConfig(folder: string, config: Config, weights?: WeightDType): Promise<void>;
  /**
   * Streamed loading (sharded checkpoints, BF16/F16 weights, one tensor in memory at a time): checks the
   * folder's tensor names and shapes against `config` before any data is read.
   */
  checkWeights(folder: string, config: Config, where: string): Promise<CheckedWeights>;
}

const gpt2: ModelFamily<Gpt2Config> = {
  modelType: "gpt2",
  architectures: SUPPORTED_HF_ARCHITECTURES,
  parseConfig: gpt2ConfigFromHf,
  create: (config, { backend, generator, init }) => new GPT(config, { backend, generator, init }),
  hfLayout: (config) => gpt2HfLayout(config),
  writeConfig: writeHfConfig,
  checkWeights: checkGpt2Weights,
};

/** The model families `loadModel`/`saveModel` know, keyed by Hugging Face `model_type`. */
export const MODEL_FAMILIES: ReadonlyMap<string, ModelFamily> = new Map<string, ModelFamily>(
  [gpt2 as ModelFamily, ...(LLAMA_FAMILIES as ModelFamily[]), OPT_FAMILY as ModelFamily].map((family) => [family.modelType, family]),
);
