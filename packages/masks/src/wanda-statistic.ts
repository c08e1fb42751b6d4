import { NonFiniteError, ShapeError } from "@adaptive-sparse/core";

/** Running Wanda activation statistic (method.md §2.2). */
export interface WandaStatistic {
  /** Input features C. */
  readonly cols: number;
  /** Sequences seen so far (n in method.md §2.2; sequences, not tokens). */
  readonly count: number;
  /**
   * Adds one batch of layer inputs.
   *
   * @param inputs `[tokens, cols]` row-major: all tokens of the batch's sequences.
   * @param sequences b, the number of sequences those tokens come from (default 1).
   */
  addBatch(inputs: ArrayLike<number>, sequences?: number): void;
  /** A copy of `a` (length cols): `a_c = (1/n) Σ_sequences Σ_tokens x_c²`. */
  value(): Float32Array;
}

/**
 * Creates the Wanda statistic accumulator: `a ← a·n/(n+b); n ← n+b; a_c ← a_c + Σ_τ x[τ,c]² / n`,
 * stored in float32 (method.md §2.2). After all batches `a_c` is the per-sequence mean of the
 * squared column norms, whatever the split into batches. Starts at zero (the reference starts at
 * ones, but its first update multiplies them by 0).
 *
 * @example
 * const stat = createWandaStatistic(4);
 * stat.addBatch(new Float32Array([1, 2, 0, 0, 3, 0, 0, 1]), 1); // 2 tokens × 4 columns
 * stat.value(); // Float32Array [10, 4, 0, 1]
 */
export function createWandaStatistic(cols: number): WandaStatistic {
  if (!Number.isInteger(cols) || cols <= 0) {
    throw new ShapeError(`createWandaStatistic: cols must be a positive integer (the layer's in-features), got ${cols}`);
  }
  const a = new Float32Array(cols);
  const sums = new Float64Array(cols);
  let count = 0;
  return {
    cols,
    get count() {
      return count;
    },
    addBatch(inputs, sequences = 1) {
      if (inputs.length % cols !== 0) {
        throw new ShapeError(
          `WandaStatistic.addBatch: inputs have ${inputs.length} elements, not a multiple of cols=${cols}; ` +
            `pass the layer inputs as [tokens, ${cols}] row-major`,
        );
      }
      if (!Number.isInteger(sequences) || sequences <= 0) {
        throw new ShapeError(`WandaStatistic.addBatch: sequences must be a positive integer, got ${sequences}`);
      }
      sums.fill(0);
      for (let i = 0; i < inputs.length; i++) {
        const x = inputs[i]!;
        sums[i % cols]! += x * x;
      }
      const scale = count / (count + sequences);
      count += sequences;
      for (let c = 0; c < cols; c++) {
        if (!Number.isFinite(sums[c]!)) {
          throw new NonFiniteError(`WandaStatistic.addBatch: input column ${c} has a NaN/Inf value; check the layer inputs`);
        }
        a[c] = a[c]! * scale + sums[c]! / count;
      }
    },
    value() {
      return a.slice();
    },
  };
}
