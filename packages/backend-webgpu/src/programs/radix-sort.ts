import { PARAMS, storage, WORKGROUP, workgroupMain, memo } from "./wgsl.js";

/**
 * One pass of a stable LSD radix sort of (key, value) u32 pairs on 8-bit digits, over many workgroups, each
 * owning a block of WORKGROUP consecutive pairs:
 *   histogram: H[d · blocks + b] = pairs of block b whose digit is d (digit-major, so the exclusive scan of H
 *              is every block's first slot for every digit, blocks in order: stable across blocks)
 *   scatter:   a pair goes to scan(H)[d · blocks + b] + the pairs before it in its block with the same digit
 *              (stable within a block)
 * Params of both: `[count, blocks, shift]`.
 */
export const RADIX = 256;

const DIGIT = `let i = g * ${WORKGROUP}u + lid;
  let live = i < p[0];
  let digit = select(${RADIX}u, (K[min(i, p[0] - 1u)] >> p[2]) & ${RADIX - 1}u, live);`;

function histogramSource(): string {
  return [
    PARAMS,
    storage(1, "K", "u32", "read"),
    storage(2, "H", "u32", "read_write"),
    `var<workgroup> hist: array<atomic<u32>, ${RADIX}>;`,
    workgroupMain(`  if (g >= p[1]) { return; }
  atomicStore(&hist[lid], 0u);
  workgroupBarrier();
  ${DIGIT}
  if (live) { atomicAdd(&hist[digit], 1u); }
  workgroupBarrier();
  H[lid * p[1] + g] = atomicLoad(&hist[lid]);`),
  ].join("\n");
}

function scatterSource(): string {
  return [
    PARAMS,
    storage(1, "K", "u32", "read"),
    storage(2, "V", "u32", "read"),
    storage(3, "S", "u32", "read"),
    storage(4, "K2", "u32", "read_write"),
    storage(5, "V2", "u32", "read_write"),
    `var<workgroup> digits: array<u32, ${WORKGROUP}>;`,
    workgroupMain(`  if (g >= p[1]) { return; }
  ${DIGIT}
  digits[lid] = digit;
  workgroupBarrier();
  if (!live) { return; }
  var rank = 0u;
  for (var j = 0u; j < lid; j++) { rank += select(0u, 1u, digits[j] == digit); }
  let at = S[digit * p[1] + g] + rank;
  K2[at] = K[i];
  V2[at] = V[i];`),
  ].join("\n");
}

// The workgroup size must equal RADIX: the histogram has one thread per digit.
if (WORKGROUP !== RADIX) throw new Error("radix-sort.ts assumes 256 threads per workgroup");

export const radixHistogramProgram = memo(histogramSource);
export const radixScatterProgram = memo(scatterSource);
