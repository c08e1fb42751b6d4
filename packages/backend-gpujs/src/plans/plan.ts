import { sizeOf, type BufferInfo, type TypedArray } from "@adaptive-sparse/core";

export type Info = BufferInfo<TypedArray>;
/** Result of one gpu.js kernel call: an array in the synchronous modes, a promise in webgpu mode. */
export type Maybe<T> = T | Promise<T>;
export type Call = (source: string, n: number, args: readonly ArrayLike<number>[]) => Maybe<ArrayLike<number>>;

/**
 * How an op runs: on gpu.js (`compute` makes one or more kernel calls and returns the output's values), or on
 * the cpu backend's kernel for the stated reason.
 */
export type Plan = { compute(call: Call): Maybe<ArrayLike<number>> } | { fallback: string };

/** Float indices in gpu.js kernels (f32 on the GPU modes) are exact only below this. */
export const MAX_EXACT = 2 ** 24;

export const REASONS = {
  integer: "integer or mask data: gpu.js computes in f32 (exact only below 2^24, no wrap-around)",
  cast: "dtype conversion (truncation toward zero, byte wrap-around) is host work",
  nan: "NaN input: gpu.js's WGSL and f32 paths do not propagate NaN through max/compare",
  rank: "more than 8 axes after merging contiguous ones",
  large: "a tensor past 2^24 elements (gpu.js indices are floats)",
  empty: "an empty input",
  badIndex: "an index out of range (the cpu kernel throws the error)",
  negativePow: "a negative base in a GPU mode: WGSL/GLSL pow is exp2(y·log2 x), NaN for x < 0",
} as const;

/** What plans need to know about the gpu.js mode. */
export interface PlanContext {
  /** Kernels compile to WGSL/GLSL, whose `pow` is undefined for negative bases. */
  readonly gpuMath: boolean;
}

/** A single kernel call over the whole output. */
export function single(source: string, out: Info, args: readonly ArrayLike<number>[]): Plan {
  return { compute: (call) => call(source, sizeOf(out.shape), args) };
}

/** The common reasons not to use gpu.js for an op whose float tensors are `floats`. */
export function commonFallback(out: Info, inputs: readonly Info[], floats: readonly Info[]): string | null {
  if (floats.some((info) => info.dtype !== "f32")) return REASONS.integer;
  if ([out, ...inputs].some((info) => info.handle.length > MAX_EXACT)) return REASONS.large;
  if (inputs.some((info) => info.handle.length === 0)) return REASONS.empty;
  return null;
}

export function hasNaN(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i++) if (Number.isNaN(data[i])) return true;
  return false;
}

/** Applies `fn` to a value that may still be a promise (webgpu mode). */
export function andThen<T, U>(value: Maybe<T>, fn: (value: T) => Maybe<U>): Maybe<U> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}
