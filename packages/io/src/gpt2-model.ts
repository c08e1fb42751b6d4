import { join } from "node:path";
import { fromHost, getDefaultBackend, noGrad, type Tensor } from "@adaptive-sparse/core";
import { GPT, sparseLayers } from "@adaptive-sparse/nn";
import { StateDictError } from "./errors.js";
import { readHfConfig, writeHfConfig } from "./hf-config.js";
import { hfToNative, nativeToHf } from "./hf-gpt2.js";
import { readSafetensors } from "./safetensors-read.js";
import { writeSafetensors } from "./safetensors-write.js";

/**
 * Loads a Hugging Face GPT-2 folder (`config.json` + `model.safetensors`, Conv1D weights, tied head) as our GPT,
 * on core's default backend (like PyTorch loading to the CPU).
 * @example const model = await loadGpt2("models/gpt2");
 * @throws ConfigError for a missing or non-GPT-2 config; StateDictError for missing or mis-shaped tensors.
 */
export async function loadGpt2(folder: string): Promise<GPT> {
  const config = await readHfConfig(folder);
  const tensors = await readSafetensors(join(folder, "model.safetensors"), { toFloat32: true });
  const native = hfToNative(tensors, config);
  const backend = getDefaultBackend();
  const model = new GPT(config);
  const state = new Map<string, Tensor>();
  for (const [name, tensor] of Object.entries(native)) state.set(name, fromHost(backend, tensor.data, tensor.shape, "f32"));
  try {
    model.loadStateDict(state, { strict: true });
  } finally {
    state.forEach((tensor) => tensor.dispose());
  }
  return model;
}

export interface SaveGpt2Options {
  /** Storage type of the weights: F32 (default, exact) or F16 (half the size; rounds to 11 significant bits). */
  dtype?: "F32" | "F16";
}

/**
 * Writes `model` as a Hugging Face GPT-2 folder that transformers loads unchanged. Sparse layers are written
 * as M ⊙ W (zeros in pruned places). The weights file is written before `config.json`, each atomically, so
 * a folder with a config is always complete.
 * @throws StateDictError when the model has SLoRB branches (GPT-2's layout cannot hold them: use the
 * compressed 2:4 export).
 */
export async function saveGpt2(model: GPT, folder: string, options: SaveGpt2Options = {}): Promise<void> {
  const layers = sparseLayers(model);
  if (layers.some(({ layer }) => layer.slorb)) {
    throw new StateDictError(`saveGpt2: ${folder}: the model has SLoRB branches, which the Hugging Face GPT-2 layout cannot hold; export the compressed 2:4 format instead`);
  }
  const effective = new Map(layers.map(({ name, layer }) => [`${name}.weight`, layer]));
  const native: Record<string, { dtype: "F32"; shape: number[]; data: Float32Array }> = {};
  const dtype = options.dtype ?? "F32";
  noGrad(() => {
    for (const [name, parameter] of model.namedParameters()) {
      const layer = effective.get(name);
      const value = layer ? layer.effectiveWeight() : parameter;
      native[name] = { dtype: "F32", shape: [...parameter.shape], data: Float32Array.from(value.dataSync()) };
      if (layer) value.dispose();
    }
  });
  const hf = Object.fromEntries(Object.entries(nativeToHf(native, model.config)).map(([name, t]) => [name, { ...t, dtype }]));
  await writeSafetensors(join(folder, "model.safetensors"), hf, { format: "pt" });
  await writeHfConfig(folder, model.config);
}
