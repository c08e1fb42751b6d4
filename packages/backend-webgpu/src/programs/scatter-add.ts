import { errorBinding, ERROR_CODES } from "./errors.js";
import { elementwiseMain, PARAMS, storage, WORKGROUP, workgroupMain, type WgslType, memo } from "./wgsl.js";

/*
 * ScatterAdd without float atomics, and deterministic: a counting sort groups the source rows by target
 * row, each group is put back in source order, and every output element sums its group in that order
 * (the order the cpu backend adds in, so f32 results match it bit for bit).
 *   1. count:  counts[idx[i]] += 1 (integer atomics; bad indices are recorded)
 *   2. scan:   offsets = exclusive prefix sum of counts (one workgroup), cursor = offsets
 *   3. place:  perm[cursor[idx[i]]++] = i (order within a group is arbitrary here...)
 *   4. sort:   ...so each target row sorts its own slice of perm (insertion sort, one thread per row)
 *   5. sum:    y[r, c] = Σ src[perm[s], c] for s in offsets[r]..offsets[r+1]
 */

/** Pass 1, params `[N, rows]`. */
function scatterCountProgramSource(): string {
  return [
    PARAMS,
    storage(1, "I", "i32", "read"),
    storage(2, "counts", "atomic<u32>", "read_write"),
    errorBinding(3),
    elementwiseMain(`  let row = I[i];
  if (row < 0 || u32(row) >= p[1]) {
    report(${ERROR_CODES.scatterIndex}u, i, bitcast<u32>(row), p[1]);
    return;
  }
  atomicAdd(&counts[u32(row)], 1u);`),
  ].join("\n");
}

/** Pass 2, one workgroup; params `[1, rows]`: each thread scans a contiguous chunk of rows. */
function scatterScanProgramSource(): string {
  return [
    PARAMS,
    storage(1, "counts", "u32", "read"),
    storage(2, "offsets", "u32", "read_write"),
    storage(3, "cursor", "u32", "read_write"),
    `var<workgroup> partial: array<u32, ${WORKGROUP}>;`,
    workgroupMain(`  let rows = p[1];
  let chunk = (rows + ${WORKGROUP - 1}u) / ${WORKGROUP}u;
  let start = min(rows, lid * chunk);
  let end = min(rows, start + chunk);
  var total = 0u;
  for (var r = start; r < end; r++) { total += counts[r]; }
  partial[lid] = total;
  workgroupBarrier();
  // Hillis–Steele inclusive scan of the chunk totals.
  for (var s = 1u; s < ${WORKGROUP}u; s = s << 1u) {
    var add = 0u;
    if (lid >= s) { add = partial[lid - s]; }
    workgroupBarrier();
    partial[lid] += add;
    workgroupBarrier();
  }
  var running = partial[lid] - total;
  for (var r = start; r < end; r++) {
    offsets[r] = running;
    cursor[r] = running;
    running += counts[r];
  }
  if (lid == ${WORKGROUP - 1}u) { offsets[rows] = partial[lid]; }`),
  ].join("\n");
}

/** Pass 3, params `[N, rows]`. */
function scatterPlaceProgramSource(): string {
  return [
    PARAMS,
    storage(1, "I", "i32", "read"),
    storage(2, "cursor", "atomic<u32>", "read_write"),
    storage(3, "perm", "u32", "read_write"),
    elementwiseMain(`  let row = I[i];
  if (row < 0 || u32(row) >= p[1]) { return; }
  perm[atomicAdd(&cursor[u32(row)], 1u)] = i;`),
  ].join("\n");
}

/** Pass 4, params `[rows]`. */
function scatterSortProgramSource(): string {
  return [
    PARAMS,
    storage(1, "offsets", "u32", "read"),
    storage(2, "perm", "u32", "read_write"),
    elementwiseMain(`  let start = offsets[i];
  let end = offsets[i + 1u];
  for (var a = start + 1u; a < end; a++) {
    let key = perm[a];
    var b = a;
    while (b > start && perm[b - 1u] > key) {
      perm[b] = perm[b - 1u];
      b--;
    }
    perm[b] = key;
  }`),
  ].join("\n");
}

/** Pass 5, params `[rows * width, width]`. */
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

export const scatterCountProgram = memo(scatterCountProgramSource);
export const scatterScanProgram = memo(scatterScanProgramSource);
export const scatterPlaceProgram = memo(scatterPlaceProgramSource);
export const scatterSortProgram = memo(scatterSortProgramSource);
export const scatterSumProgram = memo(scatterSumProgramSource);
