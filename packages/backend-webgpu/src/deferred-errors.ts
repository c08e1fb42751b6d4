import { NonFiniteError, ShapeError, groupTopKNaNMessage, type SparseError } from "@adaptive-sparse/core";
import { ERROR_CODES } from "./programs/errors.js";
import { COPY_DST, COPY_SRC, STORAGE } from "./usage.js";

/** Bytes of the error record `[code, a, b, c]` that validating kernels write. */
export const ERROR_RECORD_BYTES = 16;

/**
 * The error buffer shared by validating kernels (Gather, ScatterAdd, GroupTopK). `pending` is set when such a
 * kernel was recorded since the last check; reads and flushes then fetch the record along with their data.
 */
export class DeferredErrors {
  readonly buffer: GPUBuffer;
  pending = false;

  constructor(device: GPUDevice) {
    this.buffer = device.createBuffer({ size: ERROR_RECORD_BYTES, usage: STORAGE | COPY_SRC | COPY_DST });
  }

  /** The error a fetched record describes, or null when no kernel reported one. */
  static decode(record: Uint32Array): SparseError | null {
    const [code, a, b, c] = record;
    const note = "(found on the GPU while the op ran; reported at the next read or flush)";
    switch (code) {
      case 0:
        return null;
      case ERROR_CODES.gatherIndex:
        return new ShapeError(`Gather: index ${b | 0} at position ${a} is out of range for a table of ${c} rows (valid: 0..${c - 1}) ${note}`);
      case ERROR_CODES.scatterIndex:
        return new ShapeError(`ScatterAdd: index ${b | 0} at position ${a} is out of range for a table of ${c} rows (valid: 0..${c - 1}) ${note}`);
      case ERROR_CODES.crossEntropyTarget:
        return new ShapeError(`SoftmaxCrossEntropy: target ${b | 0} at row ${a} is out of range for ${c} classes (valid: 0..${c - 1}, or the ignoreIndex) ${note}`);
      case ERROR_CODES.topKNaN:
        return new NonFiniteError(`${groupTopKNaNMessage(a!, b!)} ${note}`);
      default:
        return new ShapeError(`a kernel reported an unknown error code ${code} ${note}`);
    }
  }
}
