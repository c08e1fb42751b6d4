import { join } from "node:path";
import { ConfigError, getDefaultBackend, noGrad, type Backend, type Generator } from "@adaptive-sparse/core";
import { sparseLayers, type CausalLM } from "@adaptive-sparse/nn";
import { StateDictError } from "./errors.js";
import { readConfigJson } from "./hf-config.js";
import type { WeightDType } from "./hf-family-config.js";
import type { Float32Tensor } from "./hf-gpt2.js";
import { MODEL_FAMILIES, type ModelFamily } from "./model-families.js";
import { checkLayoutSources, storedValues } from "./hf-layout.js";
import type { DeferredTensor } from "./safetensors-dtypes.js";
import { writeSafetensors } from "./safetensors-write.js";

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** Where the weights go (core's default backend when omitted: a convenience for scripts). */
  readonly backend?: Backend;
}

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /**
   * Storage type of the weights: F32 (default, exact), F16 (half the size; rounds to 11 significant bits) or
   * BF16 (half the size, f32's range; rounds to 8 significant bits, as LLaMA-family checkpoints ship).
   */
  readonly dtype?: WeightDType;
}

/** The family row for a `model_type`. @throws ConfigError listing the supported model types */
export function modelFamily(modelType: unknown, where: string): ModelFamily {
  const family = typeof modelType === "string" ? MODEL_FAMILIES.get(modelType) : undefined;
  if (!family) {
    const supported = [...MODEL_FAMILIES.values()].map((f) => `"${f.modelType}" (${f.architectures.join(", ")})`).join(", ");
    throw new ConfigError(`${where}: model_type ${JSON.stringify(modelType)} is not supported; supported model_type values: ${supported}`);
  }
  return family;
}

/**
 * A new model of the family `modelType` with fresh (seeded) weights on `options.backend`, e.g. to pretrain
 * from scratch; `config` is the family's own config (GPT-2: `{ nLayer, nHead, nEmbd, blockSize, vocabSize, ... }`).
 * @throws ConfigError for an unknown `modelType`, listing the supported ones
 * @example const model = createModel("gpt2", parseGPTConfig(settings), { backend, generator: new Generator(1) });
 */
export function createModel(modelType: string, config: unknown, options: { backend?: Backend; generator?: Generator } = {}): CausalLM {
  return modelFamily(modelType, "createModel").create(config, { backend: options.backend ?? getDefaultBackend(), generator: options.generator });
}

/**
 * Loads a Hugging Face model folder (`config.json` + `model.safetensors`, or shards named by
 * `model.safetensors.index.json`) as the `CausalLM` of its family (picked by `config.json`'s `model_type` in
 * {@link MODEL_FAMILIES}), with its weights on `options.backend`. Every tensor's name and shape is checked
 * first; then the weights stream into the model one tensor at a time (the family's `checkWeights`).
 * @example const model = await loadModel("models/gpt2", { backend: await createWebGpuBackend() });
 * @throws FileMissingError without config.json or weights (a folder with only pytorch_model.bin is told to
 *   save safetensors); ConfigError for an unsupported model_type (listing the
 *   supported ones) or config; StateDictError / ShapeError for missing or mis-shaped tensors
 */
export async function loadModel(folder: string, options: LoadModelOptions = {}): Promise<CausalLM> {
  const { raw, path } = await readConfigJson(folder, "loadModel");
  const family = modelFamily(raw.model_type, `loadModel: ${path}`);
  const config = family.parseConfig(raw, `loadModel: ${path}`);
  const weights = await family.checkWeights(folder, config, `loadModel: ${folder}`);
  const model = family.create(config, { backend: options.backend ?? getDefaultBackend(), init: false }); // every weight is overwritten next
  await weights.loadInto(model);
  return model;
}

/** Each parameter of `model` by our name: its shape, and how to read its values (sparse layers as M ⊙ W). */
function denseParameters(model: CausalLM, where: string): Map<string, { shape: number[]; read(): Promise<Float32Array> }> {
  const layers = sparseLayers(model);
  if (layers.some(({ layer }) => layer.slorb)) {
    throw new StateDictError(`${where}: the model has SLoRB branches, which the Hugging Face layout cannot hold; export the compressed 2:4 format instead`);
  }
  const effective = new Map(layers.map(({ name, layer }) => [`${name}.weight`, layer]));
  const parameters = new Map<string, { shape: number[]; read(): Promise<Float32Array> }>();
  for (const [name, parameter] of model.namedParameters()) {
    const layer = effective.get(name);
    const read = async () => {
      const value = layer ? noGrad(() => layer.effectiveWeight()) : parameter;
      try {
        const values = await value.data(); // a host copy of its own (Tensor.data), so no second one
        return values instanceof Float32Array ? values : Float32Array.from(values);
      } finally {
        if (layer) value.dispose();
      }
    };
    parameters.set(name, { shape: [...parameter.shape], read });
  }
  return parameters;
}

/**
 * Reads every parameter of `model` to the host (asynchronously, so it works on every backend), sparse
 * layers as M ⊙ W (zeros in pruned places), by our parameter names.
 * @throws StateDictError when the model has SLoRB branches (the Hugging Face layouts cannot hold them)
 */
export async function readDenseState(model: CausalLM, where: string): Promise<Record<string, Float32Tensor>> {
  const native: Record<string, Float32Tensor> = {};
  for (const [name, { shape, read }] of denseParameters(model, where)) native[name] = { dtype: "F32", shape, data: await read() };
  return native;
}

/**
 * Writes `model` as a Hugging Face folder of its family (`model.safetensors`, then `config.json`, each
 * atomically, so a folder with a config is always complete); sparse layers as M ⊙ W. Each tensor is read
 * from the model when its turn to be written comes, so the host holds one tensor (and its transpose, for
 * GPT-2's Conv1D layers) at a time rather than a copy of the whole model. Reads are async (every backend).
 * @throws ConfigError for a model whose `modelType` has no family row; StateDictError for SLoRB branches
 */
export async function saveModel(model: CausalLM, folder: string, options: SaveModelOptions = {}): Promise<void> {
  const where = `saveModel: ${folder}`;
  const family = modelFamily(model.modelType, where);
  const parameters = denseParameters(model, where);
  const layout = family.hfLayout(model.config);
  checkLayoutSources(layout, new Map([...parameters].map(([name, { shape }]) => [name, shape])), where, "the model's parameters differ from what its config describes");
  const dtype = options.dtype ?? "F32";
  const tensors = new Map<string, DeferredTensor>();
  for (const tensor of layout) {
    const source = tensor.source === null ? undefined : parameters.get(tensor.source)!;
    tensors.set(tensor.name, { dtype, shape: tensor.shape, read: async () => storedValues(tensor, await source?.read()) });
  }
  await writeSafetensors(join(folder, "model.safetensors"), tensors, { format: "pt" });
  await family.writeConfig(folder, model.config, dtype);
}
