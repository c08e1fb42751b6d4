import { fromHost } from "@adaptive-sparse/core";
import { copyInto, type CausalLM } from "@adaptive-sparse/nn";
import { checkpointFiles } from "./checkpoint-files.js";
import { assertLittleEndian, openForRead, readExactly } from "./file-io.js";
import { matchNames, type NameMap } from "./family-names.js";
import { decodeBFloat16, decodeFloat16 } from "./half.js";
import type { SafetensorsDType } from "./safetensors-dtypes.js";

/** What {@link CheckedWeights.loadInto} did. */
export interface WeightLoadReport {
  /** Tensors copied into the model. */
  readonly tensors: number;
  /** Bytes read from disk (the stored dtypes' size). */
  readonly storedBytes: number;
  /** Count of tensors per stored dtype, e.g. `{ BF16: 20 }`. */
  readonly storedDTypes: Readonly<Record<string, number>>;
  /** The most host memory the loader held at once (one tensor's stored bytes plus its float32 copy). */
  readonly peakHostBytes: number;
}

/** A checkpoint whose names and shapes were checked against the config, ready to stream into a model. */
export interface CheckedWeights {
  /** Copies every tensor into the parameter of the same name (model's backend), one tensor at a time. */
  loadInto(model: CausalLM): Promise<WeightLoadReport>;
}

/** Stored bytes -> float32 values; 16-bit floats are widened here, once (core computes in f32). */
function toFloat32(dtype: SafetensorsDType, buffer: ArrayBuffer): Float32Array {
  switch (dtype) {
    case "F32":
      return new Float32Array(buffer);
    case "BF16":
      return decodeBFloat16(new Uint16Array(buffer));
    case "F16":
      return decodeFloat16(new Uint16Array(buffer));
    default: {
      const view = { F64: Float64Array, I64: BigInt64Array, I32: Int32Array, I16: Int16Array, I8: Int8Array, U8: Uint8Array, BOOL: Uint8Array }[dtype];
      const source = new view(buffer);
      const out = new Float32Array(source.length);
      for (let i = 0; i < source.length; i++) out[i] = Number(source[i]!);
      return out;
    }
  }
}

/**
 * Reads a Hugging Face folder's weights (`model.safetensors` or a sharded checkpoint) for a model family:
 * checks every tensor name and shape against `expected` (what the config describes) before any data is
 * read, then {@link CheckedWeights.loadInto} streams them tensor by tensor, so the host holds at most one
 * tensor beyond the model itself (peak ≈ the f32 model + its largest tensor, well under 1.2×).
 * @throws FileMissingError (no weights, a missing shard, named), StateDictError (missing/unexpected
 *   tensors), ShapeError (each tensor whose shape differs from the config's)
 */
export async function checkWeights(folder: string, expected: ReadonlyMap<string, number[]>, names: NameMap, where: string): Promise<CheckedWeights> {
  assertLittleEndian(where);
  const files = await checkpointFiles(folder, where);
  const shapes = new Map(files.flatMap((file) => [...file.tensors].map(([name, entry]) => [name, entry.shape] as const)));
  const mapping = matchNames(shapes, expected, names, where);
  return {
    async loadInto(model) {
      let [tensors, storedBytes, peakHostBytes] = [0, 0, 0];
      const storedDTypes: Record<string, number> = {};
      for (const { path, header, tensors: entries } of files) {
        const handle = await openForRead(path, "safetensors");
        try {
          for (const [hfName, entry] of entries) {
            const native = mapping.get(hfName);
            if (native === undefined) continue;
            const [begin, end] = entry.dataOffsets;
            const buffer = new ArrayBuffer(end - begin);
            await readExactly(handle, new Uint8Array(buffer), header.dataStart + begin, path);
            const values = toFloat32(entry.dtype, buffer);
            peakHostBytes = Math.max(peakHostBytes, buffer.byteLength + (values.buffer === buffer ? 0 : values.byteLength));
            const parameter = model.getParameter(native);
            const uploaded = fromHost(parameter.backend, values, entry.shape, "f32");
            try {
              copyInto(parameter, uploaded, `${where}: "${hfName}"`);
            } finally {
              uploaded.dispose();
            }
            tensors += 1;
            storedBytes += buffer.byteLength;
            storedDTypes[entry.dtype] = (storedDTypes[entry.dtype] ?? 0) + 1;
          }
        } finally {
          await handle.close();
        }
      }
      return { tensors, storedBytes, storedDTypes, peakHostBytes };
    },
  };
}
