import { DEPTH } from "../programs/matmul.js";

/** Output tiles below which a GEMM with a long reduction splits it: about 8 workgroups per SM of an H200. */
export const SPLIT_TARGET_TILES = 1056;
/** Shortest reduction worth splitting, and the shortest slice (32 k-steps of 16: enough work per workgroup). */
const SPLIT_MIN_K = 2048;
const MIN_SLICE = 512;
const MAX_SLICES = 64;

/**
 * How many K slices a GEMM of `tiles` output tiles gets (1: no split). Only single products whose reduction
 * dwarfs their output (K ≥ 4·max(M, N), e.g. the LM head's input gradient 4096×768×50257 or a Linear's weight
 * gradient 768×768×4096) split, into enough slices to fill the GPU, each at least MIN_SLICE long, and no more
 * than the partial products' scratch (`slices·M·N` floats) fits in `maxBytes`.
 */
export function chooseSplitK(m: number, n: number, k: number, batches: number, tiles: number, maxBytes: number): number {
  if (batches !== 1 || k < SPLIT_MIN_K || k < 4 * Math.max(m, n) || tiles >= SPLIT_TARGET_TILES) return 1;
  const slices = Math.min(Math.ceil(SPLIT_TARGET_TILES / tiles), Math.floor(k / MIN_SLICE), MAX_SLICES, Math.floor(maxBytes / (m * n * 4)));
  return Math.max(1, slices);
}

/** The slice length for `slices` slices of K: a multiple of the GEMM's k-step, so vec4 loads stay aligned. */
export function sliceLength(k: number, slices: number): number {
  return Math.ceil(k / slices / DEPTH) * DEPTH;
}
