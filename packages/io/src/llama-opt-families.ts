import { Llama, OPT, parseLlamaConfig, type LlamaConfig, type OPTConfig } from "@adaptive-sparse/nn";
import { llamaShapes, optShapes } from "./family-shapes.js";
import { llamaNames, optNames } from "./family-names.js";
import { sameNameLayout } from "./hf-layout.js";
import { LLAMA_ARCHITECTURES, llamaConfigFromHf, writeLlamaConfig } from "./hf-llama-config.js";
import { OPT_ARCHITECTURES, optConfigFromHf, writeOptConfig } from "./hf-opt-config.js";
import type { ModelFamily } from "./model-families.js";
import { checkWeights } from "./stream-weights.js";

function llamaRow(modelType: "llama" | "mistral" | "qwen2"): ModelFamily<LlamaConfig> {
  return {
    modelType,
    architectures: LLAMA_ARCHITECTURES[modelType],
    parseConfig: llamaConfigFromHf,
    create: (config, options) => new Llama(parseLlamaConfig({ ...config, modelType }), options),
    hfLayout: (config) => sameNameLayout(llamaShapes(config)),
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
  hfLayout: (config) => sameNameLayout(optShapes(config)),
  writeConfig: writeOptConfig,
  checkWeights: (folder, config, where) => checkWeights(folder, optShapes(config), optNames(config.tieWordEmbeddings), where),
};
