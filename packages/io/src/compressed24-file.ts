import { ShapeError } from "@adaptive-sparse/core";
import { checkDims, compress24, type Compressed24 } from "./compress24.js";
import { FileFormatError } from "./errors.js";
import { readSafetensorsHeader } from "./safetensors-header.js";
import { readSafetensors } from "./safetensors-read.js";
import { writeSafetensors } from "./safetensors-write.js";
import type { DeferredTensor, LoadedTensor, TypedArrayTensor } from "./safetensors-dtypes.js";

/** The `__metadata__` key holding the format description (JSON). */
export const COMPRESSED24_METADATA_KEY = "adaptive_sparse.compressed24";
/** The format version this package writes and reads. */
export const COMPRESSED24_VERSION = 1;

/**
 * A layer to store: a dense 2:4 weight (compressed on write), an already compressed one, or a dense weight read
 * when its turn to be written comes (`read`: so a model's layers need not all be on the host at once).
 */
export type Compressed24LayerInput =
  | { weight: Float32Array; rows: number; cols: number }
  | (Compressed24 & { rows: number; cols: number })
  | { read(): Promise<Float32Array>; rows: number; cols: number };

/**
 * A deferred layer's two tensors: the first one read (indices sort before values) reads and compresses the
 * weight, the second takes the other half of that result, so each layer is read and compressed once.
 */
function deferredLayer(layer: { read(): Promise<Float32Array>; rows: number; cols: number }, where: string): { values: DeferredTensor; indices: DeferredTensor } {
  checkDims(where, layer.rows, layer.cols);
  let pending: Promise<Compressed24> | null = null;
  let reads = 0;
  const compressed = () => {
    pending ??= layer.read().then((weight) => compress24(weight, layer.rows, layer.cols));
    const result = pending;
    if (++reads === 2) pending = null; // both halves taken: let it go
    return result;
  };
  const groups = (layer.rows * layer.cols) / 4;
  return {
    values: { dtype: "F32", shape: [layer.rows, layer.cols / 2], read: async () => (await compressed()).values },
    indices: { dtype: "U8", shape: [Math.ceil(groups / 2)], read: async () => (await compressed()).indices },
  };
}

/** A layer as read back: compressed; expand with `decompress24(values, indices, rows, cols)`. */
export interface Compressed24Layer extends Compressed24 {
  rows: number;
  cols: number;
}

/** What {@link readCompressed24} returns. */
export interface Compressed24File {
  layers: Map<string, Compressed24Layer>;
  extraTensors: Map<string, LoadedTensor>;
  metadata: Record<string, string>;
}

interface FormatDescription {
  version: number;
  layers: Record<string, [number, number]>;
}

/**
 * Writes 2:4 layers in compressed form on top of safetensors: `<layer>.values` (F32 [rows, cols/2])
 * and `<layer>.indices` (U8, packed positions), plus any extra dense tensors (embeddings, norms,
 * biases). `__metadata__["adaptive_sparse.compressed24"]` records the format version and each
 * layer's dense shape. The write is atomic.
 *
 * @param layers name -> dense 2:4 weight (`{ weight, rows, cols }`), `{ values, indices, rows, cols }`, or
 *   `{ read, rows, cols }`: the dense weight read when the layer's turn comes (one layer on the host at a time).
 * @param extraTensors other tensors, stored as given (deferred ones, `{ dtype, shape, read }`, read in turn).
 * @param metadata extra string metadata (must not use the reserved key).
 * @throws SparsityPatternError / ShapeError from {@link compress24}; FileFormatError for name clashes.
 * @example
 * await writeCompressed24("out/model-24.safetensors", { "h.0.mlp.c_fc.weight": { weight, rows: 32, cols: 8 } }, {}, { note: "ast" });
 */
export async function writeCompressed24(
  path: string,
  layers: Readonly<Record<string, Compressed24LayerInput>>,
  extraTensors: Readonly<Record<string, TypedArrayTensor | DeferredTensor>> = {},
  metadata: Record<string, string> = {},
): Promise<void> {
  const where = `writeCompressed24: ${path}`;
  if (COMPRESSED24_METADATA_KEY in metadata) throw new FileFormatError(`${where}: metadata key "${COMPRESSED24_METADATA_KEY}" is reserved for the format description; rename it`);
  const tensors: Record<string, TypedArrayTensor | DeferredTensor> = {};
  const description: FormatDescription = { version: COMPRESSED24_VERSION, layers: {} };
  for (const [name, layer] of Object.entries(layers)) {
    description.layers[name] = [layer.rows, layer.cols];
    if ("read" in layer) {
      const { values, indices } = deferredLayer(layer, `${where}: layer "${name}"`);
      tensors[`${name}.values`] = values;
      tensors[`${name}.indices`] = indices;
      continue;
    }
    const { values, indices } = "weight" in layer ? compress24(layer.weight, layer.rows, layer.cols) : layer;
    const groups = (layer.rows * layer.cols) / 4;
    if (values.length !== groups * 2 || indices.length !== Math.ceil(groups / 2)) {
      throw new ShapeError(`${where}: layer "${name}" has ${values.length} values and ${indices.length} index bytes, expected ${groups * 2} and ${Math.ceil(groups / 2)} for [${layer.rows}, ${layer.cols}]`);
    }
    tensors[`${name}.values`] = { dtype: "F32", shape: [layer.rows, layer.cols / 2], data: values };
    tensors[`${name}.indices`] = { dtype: "U8", shape: [indices.length], data: indices };
  }
  for (const [name, tensor] of Object.entries(extraTensors)) {
    if (name in tensors) throw new FileFormatError(`${where}: extra tensor "${name}" clashes with a compressed layer's tensor; rename it`);
    tensors[name] = tensor;
  }
  await writeSafetensors(path, tensors, { ...metadata, [COMPRESSED24_METADATA_KEY]: JSON.stringify(description) });
}

function parseDescription(where: string, text: string | undefined): FormatDescription {
  if (text === undefined) throw new FileFormatError(`${where}: no "${COMPRESSED24_METADATA_KEY}" metadata, so this is not a compressed 2:4 file (read it with readSafetensors)`);
  let description: FormatDescription;
  try {
    description = JSON.parse(text) as FormatDescription;
  } catch {
    throw new FileFormatError(`${where}: "${COMPRESSED24_METADATA_KEY}" metadata is not valid JSON; re-export the file`);
  }
  if (description?.version !== COMPRESSED24_VERSION) {
    throw new FileFormatError(`${where}: compressed 2:4 format version ${String(description?.version)} is not supported (this package reads version ${COMPRESSED24_VERSION}); upgrade @adaptive-sparse/io or re-export`);
  }
  if (typeof description.layers !== "object" || description.layers === null) throw new FileFormatError(`${where}: format description has no layers map; re-export the file`);
  return description;
}

/**
 * Reads a file written by {@link writeCompressed24}, checking every layer's tensors against the
 * recorded shapes.
 *
 * @returns compressed layers (name -> `{ values, indices, rows, cols }`), the extra tensors, and the
 *   user metadata (without the format key).
 * @throws FileFormatError for a plain safetensors file, an unsupported version, or missing /
 *   mis-shaped layer tensors; the errors of `readSafetensors`.
 * @example
 * const { layers } = await readCompressed24("out/model-24.safetensors");
 * const { values, indices, rows, cols } = layers.get("h.0.mlp.c_fc.weight")!;
 * const dense = decompress24(values, indices, rows, cols);
 */
export async function readCompressed24(path: string): Promise<Compressed24File> {
  const where = `readCompressed24: ${path}`;
  const { [COMPRESSED24_METADATA_KEY]: text, ...metadata } = (await readSafetensorsHeader(path)).metadata; // header first: a wrong file fails before any data is read
  const description = parseDescription(where, text);
  const tensors = await readSafetensors(path);
  const layers = new Map<string, Compressed24Layer>();
  for (const [name, dims] of Object.entries(description.layers)) {
    const [rows, cols] = Array.isArray(dims) ? dims : [NaN, NaN];
    const values = tensors.get(`${name}.values`);
    const indices = tensors.get(`${name}.indices`);
    const groups = (rows! * cols!) / 4;
    const ok =
      values?.dtype === "F32" && indices?.dtype === "U8" && Number.isSafeInteger(groups) &&
      values.data.length === groups * 2 && indices.data.length === Math.ceil(groups / 2);
    if (!ok) throw new FileFormatError(`${where}: layer "${name}" [${String(dims)}] lacks a matching F32 "${name}.values" and U8 "${name}.indices"; re-export the file`);
    layers.set(name, { values: values.data as Float32Array, indices: indices.data as Uint8Array, rows: rows!, cols: cols! });
    tensors.delete(`${name}.values`);
    tensors.delete(`${name}.indices`);
  }
  return { layers, extraTensors: tensors, metadata };
}
