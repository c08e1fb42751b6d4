import { errorBinding, ERROR_CODES } from "./errors.js";
import { elementwiseMain, PARAMS, storage, type WgslType, memo } from "./wgsl.js";

/*
 * ScatterAdd without float atomics, and deterministic: the source rows are sorted by target row with a stable
 * radix sort (programs/radix-sort.ts), so each group keeps source order, and every output element sums its
 * group in that order (the order the cpu backend adds in, so f32 results match it bit for bit). Every pass
 * spreads over many workgroups (a hot row, e.g. a frequent token's embedding, costs no serial sort):
 *   1. count:  counts[idx[i]] += 1 (integer atomics; bad indices are recorded), keys = idx, values = i
 *   2. offsets = exclusive scan of counts (programs/scan.ts)
 *   3. sort (key, value) pairs by key, stable: the values become the source rows grouped by target row
 *   4. sum:    y[r, c] = Σ src[perm[s], c] for s in offsets[r]..offsets[r+1]
 */

/** Pass 1, params `[N, rows]`: a bad index gets key `rows` (sorted past every group, never summed). */
function scatterCountProgramSource(): string {
  return [
    PARAMS,
    storage(1, "I", "i32", "read"),
    storage(2, "counts", "atomic<u32>", "read_write"),
    storage(3, "K", "u32", "read_write"),
    storage(4, "V", "u32", "read_write"),
    errorBinding(5),
    elementwiseMain(`  let row = I[i];
  V[i] = i;
  if (row < 0 || u32(row) >= p[1]) {
    K[i] = p[1];
    report(${ERROR_CODES.scatterIndex}u, i, bitcast<u32>(row), p[1]);
    return;
  }
  K[i] = u32(row);
  atomicAdd(&counts[u32(row)], 1u);`),
  ].join("\n");
}

/** Pass 4, params `[rows * width, width]`. */
function scatterSumProgramSource(type: WgslType): string {
  return [
    PARAMS,
    storage(1, "S", type, "read"),
    storage(2, "offsets", "u32", "read"),
    storage(3, "perm", "u32", "read"),
    storage(4, "Y", type, "read_write"),
    elementwiseMain(`  let width = p[1];
  let r = i / width;
  let c = i % width;
  var acc = ${type}(0);
  for (var s = offsets[r]; s < offsets[r + 1u]; s++) { acc += S[perm[s] * width + c]; }
  Y[i] = acc;`),
  ].join("\n");
}

/** 8-bit radix passes that sort keys 0..rows (the bad-index key included). */
export function radixPasses(rows: number): number {
  return Math.max(1, Math.ceil(Math.ceil(Math.log2(rows + 1)) / 8));
}

export const scatterCountProgram = memo(scatterCountProgramSource);
export const scatterSumProgram = memo(scatterSumProgramSource);
