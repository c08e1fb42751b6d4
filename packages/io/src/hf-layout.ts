import { DTypeError, ShapeError } from "@adaptive-sparse/core";
import { StateDictError } from "./errors.js";
import { formatShape, listNames, sameShape } from "./family-names.js";
import type { Float32Tensor, StateDict } from "./hf-gpt2.js";
import type { TypedArrayTensor } from "./safetensors-dtypes.js";

/** One tensor of a model's Hugging Face checkpoint, and which of our parameters holds its values. */
export interface HfTensor {
  /** The checkpoint's name for it. */
  readonly name: string;
  /** Its shape as stored. */
  readonly shape: readonly number[];
  /** Our parameter it is stored from; null for zeros (GPT-2's biases when the config has none). */
  readonly source: string | null;
  /** Stored as the transpose of the [rows, cols] parameter (GPT-2's Conv1D layers store [in, out]). */
  readonly transposed: boolean;
}

/**
 * What a family's checkpoint holds for a config, tensor by tensor: how `saveModel` writes a model one
 * tensor at a time, reading each parameter when its turn comes, rather than holding every weight on the host.
 */
export type HfLayout = readonly HfTensor[];

/** The layout of a family whose checkpoint names and shapes are ours (LLaMA, OPT): each parameter as it is. */
export function sameNameLayout(shapes: ReadonlyMap<string, readonly number[]>): HfLayout {
  return [...shapes].map(([name, shape]) => ({ name, shape, source: name, transposed: false }));
}

/** The shape our parameter has for a layout tensor. */
export function sourceShape(tensor: HfTensor): number[] {
  return tensor.transposed ? [tensor.shape[1]!, tensor.shape[0]!] : [...tensor.shape];
}

/**
 * Checks our tensors (name -> shape) against the parameters a layout reads, before anything is written.
 * @throws StateDictError for missing or unexpected tensors, ShapeError naming each mis-shaped one (`hint`: what to check)
 */
export function checkLayoutSources(layout: HfLayout, shapes: ReadonlyMap<string, readonly number[]>, where: string, hint: string): void {
  const expected = new Map(layout.flatMap((tensor) => (tensor.source === null ? [] : [[tensor.source, sourceShape(tensor)] as const])));
  const missing = [...expected.keys()].filter((name) => !shapes.has(name));
  const unexpected = [...shapes.keys()].filter((name) => !expected.has(name));
  const misshaped = [...expected].filter(([name, shape]) => shapes.has(name) && !sameShape(shapes.get(name)!, shape)).map(([name, shape]) => `"${name}" expected ${formatShape(shape)}, got ${formatShape(shapes.get(name)!)}`);
  if (missing.length) throw new StateDictError(`${where}: missing tensors ${listNames(missing)} (${hint})`);
  if (misshaped.length) throw new ShapeError(`${where}: wrong shapes: ${misshaped.slice(0, 10).join("; ")} (${hint})`);
  if (unexpected.length) throw new StateDictError(`${where}: unexpected tensors ${listNames(unexpected)} (not part of this architecture; ${hint})`);
}

/** Returns [rows, cols] row-major data as [cols, rows]. */
export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  }
  return out;
}

/** A layout tensor's stored values from its parameter's (`values`: ignored for zeros; shared where not transposed). */
export function storedValues(tensor: HfTensor, values: Float32Array | undefined): Float32Array {
  if (tensor.source === null) return new Float32Array(tensor.shape.reduce((n, d) => n * d, 1));
  const [rows, cols] = sourceShape(tensor);
  return tensor.transposed ? transpose(values!, rows!, cols!) : values!;
}

/**
 * A whole state dict in a layout (checked first): checkpoint names -> float32 tensors, ready for `writeSafetensors`.
 * @throws StateDictError / ShapeError as {@link checkLayoutSources}; DTypeError for data that is not float32
 */
export function applyLayout(layout: HfLayout, stateDict: StateDict, where: string, hint: string): Record<string, Float32Tensor> {
  const given = new Map<string, TypedArrayTensor>(stateDict instanceof Map ? [...(stateDict as ReadonlyMap<string, TypedArrayTensor>)] : Object.entries(stateDict));
  checkLayoutSources(layout, new Map([...given].map(([name, tensor]) => [name, tensor.shape])), where, hint);
  const out: Record<string, Float32Tensor> = {};
  for (const tensor of layout) {
    const data = tensor.source === null ? undefined : given.get(tensor.source)!.data;
    if (data !== undefined && !(data instanceof Float32Array)) throw new DTypeError(`${where}: "${tensor.source}" is ${data.constructor.name}, expected Float32Array`);
    out[tensor.name] = { dtype: "F32", shape: [...tensor.shape], data: storedValues(tensor, data) };
  }
  return out;
}
