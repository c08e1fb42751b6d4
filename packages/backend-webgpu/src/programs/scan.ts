import { PARAMS, storage, WORKGROUP, workgroupMain, memo } from "./wgsl.js";

/**
 * Exclusive prefix sum of a u32 array over many workgroups, in three passes (deterministic: integer sums):
 *   1. blocks: T[b] = Σ X over block b (SCAN_BLOCK elements, a workgroup each)
 *   2. top:    T = exclusive scan of T (one workgroup; each thread scans a contiguous chunk)
 *   3. apply:  Y[i] = T[block] + exclusive scan of X within the block; Y[n] = the grand total
 * At SCAN_BLOCK = 1024 the single-workgroup pass 2 sees n/1024 values (≈ 800 per thread at n = 2·10⁸).
 */
export const SCAN_BLOCK = WORKGROUP * 4;

/** Thread `lid`'s four elements of block `g` and their sum (0 past `n`). */
const FOUR = `  let n = p[0];
  let first = g * ${SCAN_BLOCK}u + lid * 4u;
  var v = vec4<u32>();
  for (var c = 0u; c < 4u; c++) { if (first + c < n) { v[c] = X[first + c]; } }
  let mine = v.x + v.y + v.z + v.w;`;

/** Workgroup-wide inclusive scan of one value per thread (Hillis–Steele in shared memory). */
const WORKGROUP_SCAN = `var<workgroup> partial: array<u32, ${WORKGROUP}>;
fn inclusiveScan(value: u32, lid: u32) -> u32 {
  partial[lid] = value;
  workgroupBarrier();
  for (var s = 1u; s < ${WORKGROUP}u; s = s << 1u) {
    var add = 0u;
    if (lid >= s) { add = partial[lid - s]; }
    workgroupBarrier();
    partial[lid] += add;
    workgroupBarrier();
  }
  return partial[lid];
}`;

/** Pass 1, params `[n, blocks]`, a workgroup per block. */
function scanBlocksSource(): string {
  return [
    PARAMS,
    storage(1, "X", "u32", "read"),
    storage(2, "T", "u32", "read_write"),
    WORKGROUP_SCAN,
    workgroupMain(`  if (g >= p[1]) { return; }
${FOUR}
  let total = inclusiveScan(mine, lid);
  if (lid == ${WORKGROUP - 1}u) { T[g] = total; }`),
  ].join("\n");
}

/** Pass 2, params `[n, blocks]`, one workgroup: T becomes its own exclusive scan. */
function scanTopSource(): string {
  return [
    PARAMS,
    storage(1, "T", "u32", "read_write"),
    WORKGROUP_SCAN,
    workgroupMain(`  let count = p[1];
  let chunk = (count + ${WORKGROUP - 1}u) / ${WORKGROUP}u;
  let start = min(count, lid * chunk);
  let end = min(count, start + chunk);
  var total = 0u;
  for (var r = start; r < end; r++) { total += T[r]; }
  var running = inclusiveScan(total, lid) - total;
  for (var r = start; r < end; r++) {
    let v = T[r];
    T[r] = running;
    running += v;
  }`),
  ].join("\n");
}

/** Pass 3, params `[n, blocks]`, a workgroup per block; Y has n + 1 elements. */
function scanApplySource(): string {
  return [
    PARAMS,
    storage(1, "X", "u32", "read"),
    storage(2, "T", "u32", "read"),
    storage(3, "Y", "u32", "read_write"),
    WORKGROUP_SCAN,
    workgroupMain(`  if (g >= p[1]) { return; }
${FOUR}
  var running = T[g] + inclusiveScan(mine, lid) - mine;
  for (var c = 0u; c < 4u; c++) {
    if (first + c < n) { Y[first + c] = running; }
    running += v[c];
    if (first + c + 1u == n) { Y[n] = running; }
  }`),
  ].join("\n");
}

export const scanBlocksProgram = memo(scanBlocksSource);
export const scanTopProgram = memo(scanTopSource);
export const scanApplyProgram = memo(scanApplySource);
