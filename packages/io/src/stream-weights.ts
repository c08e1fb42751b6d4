import type { FileHandle } from "node:fs/promises";
import { DTypeError, type Tensor } from "@adaptive-sparse/core";
import type { CausalLM } from "@adaptive-sparse/nn";
import { checkpointFiles } from "./checkpoint-files.js";
import { assertLittleEndian, openForRead, readExactly } from "./file-io.js";
import { matchNames, type NameMap } from "./family-names.js";
import { decodeFloat16 } from "./half.js";
import { transpose } from "./hf-layout.js";
import { DTYPE_BYTES, type SafetensorsDType } from "./safetensors-dtypes.js";
import type { SafetensorsEntry } from "./safetensors-header.js";

/** What {@link CheckedWeights.loadInto} did. */
export interface WeightLoadReport {
  /** Tensors copied into the model. */
  readonly tensors: number;
  /** Bytes read from disk (the stored dtypes' size). */
  readonly storedBytes: number;
  /** Count of tensors per stored dtype, e.g. `{ BF16: 20 }`. */
  readonly storedDTypes: Readonly<Record<string, number>>;
  /** The most host memory the loader allocated at once: a read chunk for 16-bit tensors, plus a float32 copy of the tensor where it cannot read into the parameter's buffer. */
  readonly peakHostBytes: number;
}

/** A checkpoint whose names and shapes were checked against the config, ready to stream into a model. */
export interface CheckedWeights {
  /**
   * Copies every tensor into the parameter of the same name (model's backend), one tensor at a time.
   * `onTensor(name)` runs when a tensor is read and widened, before it is written: when the loader holds most.
   */
  loadInto(model: CausalLM, options?: { onTensor?: (name: string) => void }): Promise<WeightLoadReport>;
}

/** Options of {@link checkWeights}. */
export interface CheckWeightsOptions {
  /** Size of the reads of a 16-bit or integer tensor (default 1 MiB). */
  readonly chunkBytes?: number;
  /** false: always read into a host copy and `write` it, as for device backends (default true: in place where the buffer is host memory). */
  readonly inPlace?: boolean;
}

/** Default size of the reads of a 16-bit or integer tensor (its float32 copy is the only full-size buffer). */
const CHUNK_BYTES = 1 << 20;

/** Widens `count` stored values of `dtype` in `bytes` into `out` from `at` on (16-bit floats exactly). */
function widen(dtype: SafetensorsDType, bytes: ArrayBuffer, count: number, out: Float32Array, at: number): void {
  if (dtype === "BF16") {
    const bits = new Uint16Array(bytes, 0, count);
    const outBits = new Uint32Array(out.buffer, out.byteOffset + 4 * at, count);
    for (let i = 0; i < count; i++) outBits[i] = bits[i]! << 16; // bfloat16 is the top half of a float32
    return;
  }
  if (dtype === "F16") return out.set(decodeFloat16(new Uint16Array(bytes, 0, count)), at);
  const view = { F64: Float64Array, I64: BigInt64Array, I32: Int32Array, I16: Int16Array, I8: Int8Array, U8: Uint8Array, BOOL: Uint8Array, F32: Float32Array }[dtype];
  const source = new view(bytes, 0, count);
  for (let i = 0; i < count; i++) out[at + i] = Number(source[i]!);
}

/**
 * Reads one tensor as float32 into `target` (or a new array): F32 straight in, other dtypes in chunks of
 * `chunkBytes` widened into it, so 16-bit weights are converted once and never held whole in both forms.
 * @returns the values and the host bytes the loader allocated for them at the peak
 */
async function readAsFloat32(handle: FileHandle, path: string, offset: number, entry: SafetensorsEntry, chunkBytes: number, target?: Float32Array): Promise<[Float32Array, number]> {
  const [begin, end] = entry.dataOffsets;
  const width = DTYPE_BYTES[entry.dtype];
  const out = target ?? new Float32Array((end - begin) / width);
  const allocated = target ? 0 : out.byteLength;
  if (entry.dtype === "F32") {
    await readExactly(handle, new Uint8Array(out.buffer, out.byteOffset, out.byteLength), offset + begin, path);
    return [out, allocated];
  }
  const perChunk = Math.max(1, Math.floor(chunkBytes / width));
  const chunk = new ArrayBuffer(Math.min(perChunk, out.length) * width);
  for (let at = 0; at < out.length; at += perChunk) {
    const count = Math.min(perChunk, out.length - at);
    await readExactly(handle, new Uint8Array(chunk, 0, count * width), offset + begin + at * width, path);
    widen(entry.dtype, chunk, count, out, at);
  }
  return [out, allocated + chunk.byteLength];
}

/**
 * Reads one tensor into the parameter's buffer. Backends whose buffers are host typed arrays (cpu, wasm)
 * are read into in place, and `write(buffer, buffer)` (a copy onto itself) lets the backend note the change
 * (wasm drops its resident copy); others get one `write` of a host copy. A tensor stored transposed is read
 * into a copy and written as its transpose. Its own frame, so a host copy is
 * garbage once it returns: held in the loop's async frame, the previous tensor stayed reachable (measured).
 * @returns the host bytes the loader allocated at the peak
 */
async function readInto(parameter: Tensor, inPlace: boolean, transposed: boolean, read: (target?: Float32Array) => Promise<[Float32Array, number]>, onRead: () => void): Promise<number> {
  const buffer: unknown = parameter.storage.handle;
  const target = inPlace && !transposed && buffer instanceof Float32Array && buffer.length === parameter.size ? buffer : undefined;
  const [stored, held] = await read(target);
  // A transposed tensor is read whole, then turned into the parameter's [rows, cols] (one more copy of it).
  const values = transposed ? transpose(stored, parameter.shape[1]!, parameter.shape[0]!) : stored;
  onRead();
  parameter.backend.write(parameter.storage.handle, values);
  return held + (transposed ? values.byteLength : 0);
}

/**
 * Reads a Hugging Face folder's weights (`model.safetensors` or a sharded checkpoint) for a model family:
 * checks every tensor name and shape against `expected` (what the config describes) before any data is
 * read, then {@link CheckedWeights.loadInto} streams them tensor by tensor into the parameters. On the cpu
 * and wasm backends each tensor is read (16-bit ones widened in `chunkBytes` pieces, 1 MiB by default)
 * straight into its parameter's buffer, so loading adds one chunk to the model (a tensor `names` says is
 * stored transposed adds two copies of itself, read and turned: GPT-2's largest is 9 MB); on device backends one
 * host copy of a tensor at a time, so peak ≈ the f32 model + its largest tensor (≤ 1.2× when that tensor
 * is ≤ 20% of the model: LLaMA-2-7B 2%, TinyLlama 6%, OPT-1.3B 8%, but OPT-125M's embedding is 31%).
 * @throws FileMissingError (no weights, a missing shard, named), StateDictError (missing/unexpected
 *   tensors), ShapeError (each tensor whose shape differs from the config's)
 */
export async function checkWeights(folder: string, expected: ReadonlyMap<string, number[]>, names: NameMap, where: string, options: CheckWeightsOptions = {}): Promise<CheckedWeights> {
  const { chunkBytes = CHUNK_BYTES, inPlace = true } = options;
  assertLittleEndian(where);
  const files = await checkpointFiles(folder, where);
  const shapes = new Map(files.flatMap((file) => [...file.tensors].map(([name, entry]) => [name, entry.shape] as const)));
  const mapping = matchNames(shapes, expected, names, where);
  return {
    async loadInto(model, { onTensor } = {}) {
      let [tensors, storedBytes, peakHostBytes] = [0, 0, 0];
      const storedDTypes: Record<string, number> = {};
      for (const { path, header, tensors: entries } of files) {
        const handle = await openForRead(path, "safetensors");
        try {
          for (const [hfName, entry] of entries) {
            const native = mapping.get(hfName);
            if (native === undefined) continue;
            const parameter = model.getParameter(native);
            if (parameter.dtype !== "f32") throw new DTypeError(`${where}: parameter "${native}" is ${parameter.dtype}; the family loader fills f32 parameters`);
            const held = await readInto(parameter, inPlace, names.transposed?.(native) ?? false, (target) => readAsFloat32(handle, path, header.dataStart, entry, chunkBytes, target), () => onTensor?.(native));
            peakHostBytes = Math.max(peakHostBytes, held);
            tensors += 1;
            storedBytes += entry.dataOffsets[1] - entry.dataOffsets[0];
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
