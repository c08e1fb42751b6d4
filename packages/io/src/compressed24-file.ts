import { ShapeError } from "@adaptive-sparse/core";
import { compress24, type Compressed24 } from "./compress24.js";
import { FileFormatError } from "./errors.js";
import { readSafetensorsHeader } from "./safetensors-header.js";
import { readSafetensors } from "./safetensors-read.js";
import { writeSafetensors } from "./safetensors-write.js";
import type { LoadedTensor, TypedArrayTensor } from "./safetensors-dtypes.js";

/** The `__metadata__` key holding the format description (JSON). */
export const COMPRESSED24_METADATA_KEY = "adaptive_sparse.compressed24";
/** The format version this package writes and reads. */
export const COMPRESSED24_VERSION = 1;

/** A layer to store: a dense 2:4 weight (compressed on write) or an already compressed one. */
export type Compressed24LayerInput =
  | { weight: Float32Array; rows: number; cols: number }
  | (Compressed24 & { rows: number; cols: number });

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
 * @param layers name -> dense 2:4 weight (`{ weight, rows, cols }`) or `{ values, indices, rows, cols }`.
 * @param extraTensors other tensors, stored as given.
 * @param metadata extra string metadata (must not use the reserved key).
 * @throws SparsityPatternError / ShapeError from {@link compress24}; FileFormatError for name clashes.
 * @example
 * await writeCompressed24("out/model-24.safetensors", { "h.0.mlp.c_fc.weight": { weight, rows: 32, cols: 8 } }, {}, { note: "ast" });
 */
export async function writeCompressed24(
  path: string,
  layers: Readonly<Record<string, Compressed24LayerInput>>,
  extraTensors: Readonly<Record<string, TypedArrayTensor>> = {},
  metadata: Record<string, string> = {},
): Promise<void> {
  const where = `writeCompressed24: ${path}`;
  if (COMPRESSED24_METADATA_KEY in metadata) throw new FileFormatError(`${where}: metadata key "${COMPRESSED24_METADATA_KEY}" is reserved for the format description; rename it`);
  const tensors: Record<string, TypedArrayTensor> = {};
  const description: FormatDescription = { version: COMPRESSED24_VERSION, layers: {} };
  for (const [name, layer] of Object.entries(layers)) {
    const { values, indices } = "weight" in layer ? compress24(layer.weight, layer.rows, layer.cols) : layer;
    const groups = (layer.rows * layer.cols) / 4;
    if (values.length !== groups * 2 || indices.length !== Math.ceil(groups / 2)) {
      throw new ShapeError(`${where}: layer "${name}" has ${values.length} values and ${indices.length} index bytes, expected ${groups * 2} and ${Math.ceil(groups / 2)} for [${layer.rows}, ${layer.cols}]`);
    }
    tensors[`${name}.values`] = { dtype: "F32", shape: [layer.rows, layer.cols / 2], data: values };
    tensors[`${name}.indices`] = { dtype: "U8", shape: [indices.length], data: indices };
    description.layers[name] = [layer.rows, layer.cols];
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
