import { NonFiniteError, ShapeError } from "@adaptive-sparse/core";

/** Running SparseGPT Hessian `H = (2/n) Σ X Xᵀ` over calibration sequences (method.md §6.3 step 1). */
export interface HessianAccumulator {
  /** Input features C; H is `[C, C]`. */
  readonly cols: number;
  /** Sequences seen so far (n). */
  readonly count: number;
  /**
   * Adds one batch of layer inputs.
   *
   * @param inputs `[tokens, cols]` row-major: all tokens of the batch's sequences.
   * @param sequences b, the number of sequences those tokens come from (default 1).
   */
  addBatch(inputs: ArrayLike<number>, sequences?: number): void;
  /**
   * Adds one batch given as its Gram matrix `Σ_τ x_τ x_τᵀ` (`[cols, cols]`, e.g. `Xᵀ X` computed on a
   * fast backend); same running average as {@link HessianAccumulator.addBatch}.
   */
  addGram(gram: ArrayLike<number>, sequences?: number): void;
  /** A copy of H, `[cols, cols]` row-major float64. */
  value(): Float64Array;
}

/**
 * Creates the SparseGPT Hessian accumulator, in float64 (the reference uses float32; method.md
 * §10.3): per batch `H ← H·n/(n+b); n ← n+b; H ← H + (2/n) Σ_τ x_τ x_τᵀ`. The result is
 * `(2/n) Σ_all tokens x xᵀ` whatever the split into batches.
 *
 * @example
 * const acc = createHessianAccumulator(2);
 * acc.addBatch(new Float32Array([1, 2]));          // one token
 * acc.value();                                     // Float64Array [2, 4, 4, 8]
 */
export function createHessianAccumulator(cols: number): HessianAccumulator {
  if (!Number.isInteger(cols) || cols <= 0) {
    throw new ShapeError(`createHessianAccumulator: cols must be a positive integer (the layer's in-features), got ${cols}`);
  }
  const h = new Float64Array(cols * cols);
  // Token chunk transposed to [cols, chunk], so each H entry is a contiguous dot product.
  const chunk = 256;
  const xt = new Float64Array(cols * chunk);
  let count = 0;
  const checkSequences = (where: string, sequences: number) => {
    if (!Number.isInteger(sequences) || sequences <= 0) {
      throw new ShapeError(`HessianAccumulator.${where}: sequences must be a positive integer, got ${sequences}`);
    }
  };
  /** `H ← H·n/(n+b); n ← n+b`; returns the new `2/n`. */
  const rescale = (sequences: number) => {
    const decay = count / (count + sequences);
    count += sequences;
    for (let i = 0; i < h.length; i++) h[i]! *= decay;
    return 2 / count;
  };
  return {
    cols,
    get count() {
      return count;
    },
    addBatch(inputs, sequences = 1) {
      if (inputs.length % cols !== 0) {
        throw new ShapeError(
          `HessianAccumulator.addBatch: inputs have ${inputs.length} elements, not a multiple of cols=${cols}; ` +
            `pass the layer inputs as [tokens, ${cols}] row-major`,
        );
      }
      checkSequences("addBatch", sequences);
      for (let i = 0; i < inputs.length; i++) {
        if (!Number.isFinite(inputs[i]!)) {
          throw new NonFiniteError(
            `HessianAccumulator.addBatch: input (token ${Math.floor(i / cols)}, column ${i % cols}) is ${inputs[i]}`,
          );
        }
      }
      const scale = rescale(sequences);
      const tokens = inputs.length / cols;
      for (let t0 = 0; t0 < tokens; t0 += chunk) {
        const width = Math.min(chunk, tokens - t0);
        for (let t = 0; t < width; t++) {
          for (let c = 0; c < cols; c++) xt[c * width + t] = inputs[(t0 + t) * cols + c]!;
        }
        for (let i = 0; i < cols; i++) {
          const rowI = i * width;
          for (let j = i; j < cols; j++) {
            const rowJ = j * width;
            let sum = 0;
            for (let t = 0; t < width; t++) sum += xt[rowI + t]! * xt[rowJ + t]!;
            if (sum === 0) continue;
            h[i * cols + j]! += scale * sum;
            if (j !== i) h[j * cols + i]! += scale * sum;
          }
        }
      }
    },
    addGram(gram, sequences = 1) {
      if (gram.length !== cols * cols) {
        throw new ShapeError(`HessianAccumulator.addGram: gram has ${gram.length} elements, expected cols×cols = ${cols * cols}`);
      }
      checkSequences("addGram", sequences);
      for (let i = 0; i < gram.length; i++) {
        if (!Number.isFinite(gram[i]!)) throw new NonFiniteError(`HessianAccumulator.addGram: gram entry ${i} is ${gram[i]}`);
      }
      const scale = rescale(sequences);
      for (let i = 0; i < h.length; i++) h[i]! += scale * gram[i]!;
    },
    value() {
      return h.slice();
    },
  };
}
