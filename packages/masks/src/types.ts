/**
 * Plain typed-array shapes shared by every function in this package. A weight uses the PyTorch
 * `nn.Linear` layout `[out, in]` (method.md §0.3), row-major, so an N:M group is M adjacent elements.
 */

/** A dense weight matrix `[rows, cols]` = `[out, in]`, row-major (`data[r * cols + c]`). */
export interface WeightMatrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

/** An N:M pattern: every group of M consecutive columns of one row keeps exactly N entries. */
export interface NMPattern {
  /** Entries kept per group (1 ≤ n < m). */
  readonly n: number;
  /** Group width in columns; `cols % m` must be 0. */
  readonly m: number;
}

/** An N:M pattern plus the layer name that error messages should mention. */
export interface NMSelection extends NMPattern {
  readonly layerName?: string;
}

/** Any readable array of scores (Float32Array, Float64Array, number[]). */
export type Scores = ArrayLike<number>;
