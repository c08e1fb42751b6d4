import { Llama, OPT, parseLlamaConfig, type LlamaConfig, type OPTConfig } from "@adaptive-sparse/nn";
import { llamaShapes, optShapes } from "./family-shapes.js";
import { llamaNames, mapStateDict, optNames } from "./family-names.js";
import { LLAMA_ARCHITECTURES, llamaConfigFromHf, writeLlamaConfig } from "./hf-llama-config.js";
import { OPT_ARCHITECTURES, optConfigFromHf, writeOptConfig } from "./hf-opt-config.js";
import type { ModelFamily } from "./model-families.js";
import { checkWeights } from "./stream-weights.js";

// Our parameter names are Hugging Face's for these families, so toHf is the same check in the other direction.
const sameNames = { nativeName: (name: string) => name, hint: "does the model match its config?" };

function llamaRow(modelType: "llama" | "mistral" | "qwen2"): ModelFamily<LlamaConfig> {
  return {
    modelType,
    architectures: LLAMA_ARCHITECTURES[modelType],
    parseConfig: llamaConfigFromHf,
    create: (config, options) => new Llama(parseLlamaConfig({ ...config, modelType }), options),
    toNative: (tensors, config) => mapStateDict(tensors, llamaShapes(config), llamaNames(config.tieWordEmbeddings), `${modelType} toNative`),
    toHf: (native, config) => mapStateDict(native, llamaShapes(config), sameNames, `${modelType} toHf`),
    writeConfig: writeLlamaConfig,
    checkWeights: (folder, config, where) => checkWeights(folder, llamaShapes(config), llamaNames(config.tieWordEmbeddings), where),
  };
}

/** LLaMA 2/3, TinyLlama, SmolLM (`llama`), Mistral (`mistral`, no sliding window: see llamaConfigFromHf) and Qwen2 (`qwen2`). */
export const LLAMA_FAMILIES: readonly ModelFamily<LlamaConfig>[] = [llamaRow("llama"), llamaRow("mistral"), llamaRow("qwen2")];

/** OPT (125M to 66B; OPT-350M's post-LN and projections included). */
export const OPT_FAMILY: ModelFamily<OPTConfig> = {
  modelType: "opt",
  architectures: OPT_ARCHITECTURES,
  parseConfig: optConfigFromHf,
  create: (config, options) => new OPT(config, options),
  toNative: (tensors, config) => mapStateDict(tensors, optShapes(config), optNames(config.tieWordEmbeddings), "opt toNative"),
  toHf: (native, config) => mapStateDict(native, optShapes(config), sameNames, "opt toHf"),
  writeConfig: writeOptConfig,
  checkWeights: (folder, config, where) => checkWeights(folder, optShapes(config), optNames(config.tieWordEmbeddings), where),
};
