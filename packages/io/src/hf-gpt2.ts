import { ConfigError, DTypeError, ShapeError } from "@adaptive-sparse/core";
import { isGptSparseWeight } from "@adaptive-sparse/nn";
import { StateDictError } from "./errors.js";
import { formatShape, listNames, sameShape, type NameMap } from "./family-names.js";
import { assertGpt2Config, nativeGpt2Shapes, type Gpt2Config } from "./gpt2-config.js";
import { applyLayout, transpose, type HfLayout, type HfTensor } from "./hf-layout.js";
import type { TypedArrayTensor } from "./safetensors-dtypes.js";

/** A state dict of plain tensors, as a record or a map (e.g. straight from `readSafetensors`). */
export type StateDict = Readonly<Record<string, TypedArrayTensor>> | ReadonlyMap<string, TypedArrayTensor>;

/** A float32 tensor in a mapped state dict. */
export interface Float32Tensor {
  dtype: "F32";
  shape: number[];
  data: Float32Array;
}

export interface NativeToHfOptions {
  /** Name prefix for the transformer body; `save_pretrained` of GPT2LMHeadModel uses "transformer.". */
  prefix?: "transformer." | "";
  /** Also write `lm_head.weight` (wte's data again; HF ties them anyway). Default false. */
  lmHead?: boolean;
}

const PREFIX = "transformer.";
// HF's Conv1D layers are exactly GPT-2's sparse layers; they store weights as [in, out], the
// transpose of nn.Linear's [out, in].
const isConv1DWeight = isGptSparseWeight;
// Causal-mask buffers older HF checkpoints save; they are not parameters.
const BUFFERS = /^h\.\d+\.attn\.(bias|masked_bias)$/;

const entriesOf = (dict: StateDict): [string, TypedArrayTensor][] => (dict instanceof Map ? [...dict] : Object.entries(dict));

function float32Of(name: string, tensor: TypedArrayTensor, where: string): Float32Array {
  if (tensor.data instanceof Float32Array) return tensor.data;
  throw new DTypeError(`${where}: "${name}" is ${tensor.data.constructor.name}, expected Float32Array (read the file with { toFloat32: true })`);
}

function throwProblems(where: string, missing: string[], misshaped: string[], unexpected: string[], hint: string): void {
  if (missing.length) throw new StateDictError(`${where}: missing tensors ${listNames(missing)} (${hint})`);
  if (misshaped.length) throw new ShapeError(`${where}: wrong shapes: ${misshaped.slice(0, 10).join("; ")} (does the config match these weights?)`);
  if (unexpected.length) throw new StateDictError(`${where}: unexpected tensors ${listNames(unexpected)} (not part of GPT-2; remove them before converting)`);
}

/**
 * Maps a Hugging Face GPT-2 state dict (e.g. `readSafetensors("model.safetensors")`) to our nanoGPT
 * names. Conv1D weights (c_attn, c_proj, c_fc) are transposed from [in, out] to [out, in]; names may
 * or may not carry the `transformer.` prefix; `h.{i}.attn.bias` / `masked_bias` buffers are skipped;
 * `lm_head.weight`, if present, must equal wte (tied). Other tensors share the input arrays.
 *
 * @param stateDict HF names -> float32 tensors.
 * @param config our config (e.g. from {@link readHfConfig}); with `bias: false` the HF biases must be all zero and are dropped.
 * @returns our names -> `{ dtype: "F32", shape, data }` (no LM head entry: it is tied to wte).
 * @throws StateDictError (missing or unexpected tensors, untied LM head), ShapeError (name, expected
 *   and actual shape), DTypeError (non-float32 data), ConfigError.
 * @example
 * const native = hfToNative(await readSafetensors("gpt2/model.safetensors"), await readHfConfig("gpt2"));
 */
export function hfToNative(stateDict: StateDict, config: Gpt2Config): Record<string, Float32Tensor> {
  const where = "hfToNative";
  assertGpt2Config(config, `${where}: config`);
  const byShortName = new Map<string, [string, TypedArrayTensor]>();
  for (const [name, tensor] of entriesOf(stateDict)) {
    const short = name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name;
    if (byShortName.has(short)) throw new StateDictError(`${where}: both "${byShortName.get(short)![0]}" and "${name}" are present; keep one`);
    if (!BUFFERS.test(short)) byShortName.set(short, [name, tensor]);
  }
  const lmHead = byShortName.get("lm_head.weight");
  byShortName.delete("lm_head.weight");
  const out: Record<string, Float32Tensor> = {};
  const missing: string[] = [];
  const misshaped: string[] = [];
  for (const [nativeName, shape] of nativeGpt2Shapes({ ...config, bias: true })) {
    const short = nativeName.slice(PREFIX.length);
    const found = byShortName.get(short);
    byShortName.delete(short);
    if (!found) {
      missing.push(short);
      continue;
    }
    const [name, tensor] = found;
    const transposed = isConv1DWeight(nativeName);
    const hfShape = transposed ? [shape[1]!, shape[0]!] : shape;
    if (!sameShape(tensor.shape, hfShape)) {
      misshaped.push(`"${name}" expected ${formatShape(hfShape)}, got ${formatShape(tensor.shape)}`);
      continue;
    }
    const data = float32Of(name, tensor, where);
    if (!config.bias && nativeName.endsWith(".bias")) {
      if (data.some((v) => v !== 0)) throw new ConfigError(`${where}: config.bias is false but "${name}" has non-zero values; set bias: true`);
      continue;
    }
    out[nativeName] = { dtype: "F32", shape: [...shape], data: transposed ? transpose(data, hfShape[0]!, hfShape[1]!) : data };
  }
  throwProblems(where, missing, misshaped, [...byShortName.values()].map(([name]) => name), "is this a GPT-2 model.safetensors, and does config.n_layer match?");
  if (lmHead) {
    const [name, tensor] = lmHead;
    const wte = out["transformer.wte.weight"]!;
    if (!sameShape(tensor.shape, wte.shape)) throw new ShapeError(`${where}: "${name}" expected ${formatShape(wte.shape)} (tied to wte), got ${formatShape(tensor.shape)}`);
    const head = float32Of(name, tensor, where);
    const differs = head.findIndex((v, i) => !Object.is(v, wte.data[i]));
    if (differs >= 0) throw new StateDictError(`${where}: "${name}" differs from wte at element ${differs}; only GPT-2 with a tied LM head is supported`);
  }
  return out;
}

/**
 * Maps our nanoGPT state dict to Hugging Face GPT-2 names, transposing the Conv1D weights to
 * [in, out]. With `bias: false` zero biases are written (HF GPT-2 always has them; zeros change
 * nothing). Untransposed tensors share the input arrays.
 *
 * @param stateDict our names -> float32 tensors (shapes as {@link nativeGpt2Shapes} lists them).
 * @param options `prefix` ("transformer." by default, as `save_pretrained` writes) and `lmHead`.
 * @returns HF names -> `{ dtype: "F32", shape, data }`, ready for `writeSafetensors`.
 * @throws StateDictError (missing or unexpected tensors), ShapeError, DTypeError, ConfigError.
 * @example
 * await writeSafetensors("export/model.safetensors", nativeToHf(native, config));
 */
export function nativeToHf(stateDict: StateDict, config: Gpt2Config, options: NativeToHfOptions = {}): Record<string, Float32Tensor> {
  return applyLayout(gpt2HfLayout(config, options), stateDict, "nativeToHf", "does config.n_layer match, and is config.bias right?");
}

/**
 * The Hugging Face GPT-2 checkpoint of `config`, tensor by tensor (see {@link HfLayout}): our names with
 * `options.prefix`, the Conv1D weights transposed to [in, out], zero biases for a bias-free config.
 * @throws ConfigError for an invalid config
 */
export function gpt2HfLayout(config: Gpt2Config, options: NativeToHfOptions = {}): HfLayout {
  assertGpt2Config(config, "gpt2HfLayout: config");
  const prefix = options.prefix ?? PREFIX;
  const layout: HfTensor[] = [];
  for (const [nativeName, shape] of nativeGpt2Shapes({ ...config, bias: true })) {
    const name = prefix + nativeName.slice(PREFIX.length);
    if (!config.bias && nativeName.endsWith(".bias")) layout.push({ name, shape, source: null, transposed: false });
    else if (isConv1DWeight(nativeName)) layout.push({ name, shape: [shape[1]!, shape[0]!], source: nativeName, transposed: true });
    else layout.push({ name, shape, source: nativeName, transposed: false });
  }
  if (options.lmHead) layout.push({ name: "lm_head.weight", shape: nativeGpt2Shapes(config).get("transformer.wte.weight")!, source: "transformer.wte.weight", transposed: false });
  return layout;
}

/**
 * GPT-2 checkpoint names for the streamed loader: with or without the `transformer.` prefix (GPT2LMHeadModel or
 * GPT2Model), the Conv1D weights stored [in, out]; the causal-mask buffers older checkpoints saved are skipped,
 * and so is `lm_head.weight`, which must be wte itself (checkGpt2Weights compares them after loading).
 */
export const gpt2Names: NameMap = {
  nativeName(hfName) {
    const short = hfName.startsWith(PREFIX) ? hfName.slice(PREFIX.length) : hfName;
    return BUFFERS.test(short) || short === "lm_head.weight" ? null : PREFIX + short;
  },
  hint: "is this a GPT-2 model.safetensors, and does config.n_layer match?",
  transposed: isConv1DWeight,
};
