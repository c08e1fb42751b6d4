import { OFFSET_OF, PARAMS, memo } from "./wgsl.js";

/** Rows of C per workgroup, reduction slice per step, threads per workgroup (16 × 16). */
export const TILE_M = 128;
export const DEPTH = 16;
const THREADS = 256;
/** Floats of padding per shared row: the transposing stores then hit two banks per four rows instead of one. */
const PAD = 4;

/** One GEMM specialisation: transposes, the output tile width and which operands allow vec4 access. */
export interface MatmulVariant {
  readonly transA: boolean;
  readonly transB: boolean;
  /** Columns of C per workgroup: 128, or 64 where N is small or the grid would leave the GPU half idle. */
  readonly tileN: 64 | 128;
  /** Whether A's/B's contiguous axis and batch strides are multiples of 4 (vec4 loads), and N (vec4 stores). */
  readonly vecA: boolean;
  readonly vecB: boolean;
  readonly vecC: boolean;
  /** Split-K: workgroup z is a slice of the reduction (length p[3]) writing its partial product to slice z of C. */
  readonly splitK?: boolean;
  /** `precision: "f16"`: the shared tiles hold f16 operands (needs `shader-f16`); products accumulate in f32. */
  readonly f16?: boolean;
}

/** Shared-memory bytes a variant needs (both tiles, padded rows). */
export function matmulSharedBytes(tileN: number): number {
  return DEPTH * (TILE_M + PAD + tileN + PAD) * 4;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const COMPONENTS = ["x", "y", "z", "w"];

/**
 * One operand's tile loader: `count` vec4 loads per thread into registers `<name>0..`, and their stores into the
 * k-major shared tile. `along` is "k" when the operand's contiguous axis is k (its vec4 spans 4 k's and is
 * stored transposed, a column of 4 shared rows) or "mn" (the vec4 spans 4 rows/cols of one shared row).
 */
function tileIo(name: "A" | "B", extent: number, along: "k" | "mn", at: (mn: string, k: string) => string, bound: string, vec: boolean, f16: boolean) {
  const tileType = f16 ? "f16" : "f32";
  const count = (extent * DEPTH) / 4 / THREADS;
  const ld = extent + PAD;
  const shared = `${name}s`;
  const split = along === "k" ? (e: string) => [`${e} / 4u`, `(${e} % 4u) * 4u`] : (e: string) => [`(${e} % ${extent / 4}u) * 4u`, `${e} / ${extent / 4}u`];
  const loads = range(count).map((l) => {
    const [mn, k] = split(`(lid + ${l * THREADS}u)`);
    const lane = (c: number) => (along === "k" ? [`o${name} + ${mn}`, `k0 + ${k} + ${c}u`] : [`o${name} + ${mn} + ${c}u`, `k0 + ${k}`]);
    const fast = vec ? `${name}[(${at(...(lane(0) as [string, string]))}) / 4u]` : `vec4<f32>(${range(4).map((c) => `${name}[${at(...(lane(c) as [string, string]))}]`).join(", ")})`;
    const checked = range(4).map((c) => {
      const [mnc, kc] = lane(c);
      const read = vec ? `${name}[(${at(mnc, kc)}) / 4u][(${at(mnc, kc)}) % 4u]` : `${name}[${at(mnc, kc)}]`;
      return `if (${mnc} < ${bound} && ${kc} < kEnd) { r${name}${l}.${COMPONENTS[c]} = ${read}; }`;
    });
    return `  if (full${name}) { r${name}${l} = ${fast}; } else { r${name}${l} = vec4<f32>(); ${checked.join(" ")} }`;
  });
  const stores = range(count).map((l) => {
    const [mn, k] = split(`(lid + ${l * THREADS}u)`);
    if (along === "mn") return `  ${shared}[((${k}) * ${ld}u + ${mn}) / 4u] = vec4<${tileType}>(r${name}${l});`;
    return range(4)
      .map((c) => `  ${shared}[((${k} + ${c}u) * ${ld}u + ${mn}) / 4u][(${mn}) % 4u] = ${tileType}(r${name}${l}.${COMPONENTS[c]});`)
      .join("\n");
  });
  return {
    decl: `var<workgroup> ${shared}: array<vec4<${tileType}>, ${(DEPTH * ld) / 4}>;`,
    regs: range(count).map((l) => `  var r${name}${l} = vec4<f32>();`).join("\n"),
    load: loads.join("\n"),
    store: stores.join("\n"),
  };
}

/**
 * Register-tiled GEMM `C[b] = op(A[b]) · op(B[b])`: a 16×16 workgroup computes a 128×tileN block of C, each
 * thread 8 rows (4 at `4·ty`, 4 at `64 + 4·ty`) × 4 or 8 columns as vec4 accumulators. Tiles are k-major in
 * shared memory (padded rows) and read as vec4; global loads are vec4 where the operand's layout allows, and
 * the next k-slice is fetched into registers while the current one is multiplied. A transpose only changes
 * how a tile is fetched (a Linear's `x·Wᵀ` reads W rows contiguously), so no operand is ever copied. Bounds
 * are checked only on edge tiles and the last partial k-slice.
 *
 * Params: `[M, N, K, batchStart, batchRank, batchShape..., aBatchStrides..., bBatchStrides...]`, the batch
 * strides in elements (0 along broadcast axes). Grid: `(ceil(N/tileN), ceil(M/128), batches)`. Split-K (one
 * batch): p[3] is the slice length (a multiple of 16, so vec4 loads stay aligned), grid z the slices, and C
 * holds one M×N partial product per slice (summed by programs/split-k.ts).
 */
function matmulProgramSource(v: MatmulVariant): string {
  const { transA, transB, tileN } = v;
  const aAt = (i: string, k: string) => (transA ? `aBase + (${k}) * M + ${i}` : `aBase + (${i}) * K + ${k}`);
  const bAt = (j: string, k: string) => (transB ? `bBase + (${j}) * K + ${k}` : `bBase + (${k}) * N + ${j}`);
  const f16 = v.f16 ?? false;
  const a = tileIo("A", TILE_M, transA ? "mn" : "k", aAt, "M", v.vecA, f16);
  const b = tileIo("B", tileN, transB ? "k" : "mn", bAt, "N", v.vecB, f16);
  const colGroups = tileN / 64;
  const ldA4 = (TILE_M + PAD) / 4;
  const ldB4 = (tileN + PAD) / 4;
  const rows = range(8).map((r) => ({ r, group: r >> 2, comp: COMPONENTS[r & 3] }));
  const acc = rows.flatMap(({ r }) => range(colGroups).map((g) => `c${r}_${g}`));
  const step = [
    `      let a0 = vec4<f32>(As[kk * ${ldA4}u + ty]);`,
    `      let a1 = vec4<f32>(As[kk * ${ldA4}u + 16u + ty]);`,
    ...range(colGroups).map((g) => `      let b${g} = vec4<f32>(Bs[kk * ${ldB4}u + ${g * 16}u + tx]);`),
    ...rows.flatMap(({ r, group, comp }) => range(colGroups).map((g) => `      c${r}_${g} = fma(vec4<f32>(a${group}.${comp}), b${g}, c${r}_${g});`)),
  ].join("\n");
  const stores = rows
    .flatMap(({ r, group }) =>
      range(colGroups).map((g) => {
        const i = `row0 + ${group * 64 + (r & 3)}u + 4u * ty`;
        const j = `col0 + ${g * 64}u + 4u * tx`;
        const checked = range(4)
          .map((c) => `if (j + ${c}u < N) { C[cBase + i * N + j + ${c}u] = c${r}_${g}.${COMPONENTS[c]}; }`)
          .join(" ");
        const fast = v.vecC ? `C4[(cBase + i * N + j) / 4u] = c${r}_${g};` : range(4).map((c) => `C[cBase + i * N + j + ${c}u] = c${r}_${g}.${COMPONENTS[c]};`).join(" ");
        return `  { let i = ${i}; let j = ${j}; if (i < M) { if (j + 3u < N) { ${fast} } else { ${checked} } } }`;
      }),
    )
    .join("\n");
  const operand = (binding: number, name: string, vec: boolean) => `@group(0) @binding(${binding}) var<storage, read> ${name}: array<${vec ? "vec4<f32>" : "f32"}>;`;
  // C is bound once; the vec4 variant views it as vec4 (C4) and reaches single floats through it.
  const cDecl = v.vecC
    ? "@group(0) @binding(3) var<storage, read_write> C4: array<vec4<f32>>;"
    : "@group(0) @binding(3) var<storage, read_write> C: array<f32>;";
  const storesFixed = v.vecC ? stores.replace(/C\[([^\]]+)\] = /g, (_, idx: string) => `C4[(${idx}) / 4u][(${idx}) % 4u] = `) : stores;
  // Split-K: one batch, workgroup z's slice of K; else the whole of K for batch z.
  const kRange = v.splitK
    ? "  let batch = 0u;\n  let kStart = wid.z * p[3];\n  let kEnd = min(K, kStart + p[3]);"
    : "  let batch = p[3] + wid.z;\n  let kStart = 0u;\n  let kEnd = K;";
  return `${f16 ? "enable f16;\n" : ""}${PARAMS}
${operand(1, "A", v.vecA)}
${operand(2, "B", v.vecB)}
${cDecl}
${OFFSET_OF}
${a.decl}
${b.decl}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u, @builtin(local_invocation_index) lid: u32) {
  let M = p[0];
  let N = p[1];
  let K = p[2];
${kRange}
  let rank = p[4];
  let aBase = offsetOf(batch, rank, 5u, 5u + rank);
  let bBase = offsetOf(batch, rank, 5u, 5u + 2u * rank);
  let cBase = ${v.splitK ? "wid.z" : "batch"} * M * N;
  let row0 = wid.y * ${TILE_M}u;
  let col0 = wid.x * ${tileN}u;
  let oA = row0;
  let oB = col0;
  let rowsFull = row0 + ${TILE_M}u <= M;
  let colsFull = col0 + ${tileN}u <= N;
  let tx = lid3.x;
  let ty = lid3.y;
${acc.map((c) => `  var ${c} = vec4<f32>();`).join("\n")}
${a.regs}
${b.regs}
  var k0 = kStart;
  var fullA = rowsFull && k0 + ${DEPTH}u <= kEnd;
  var fullB = colsFull && k0 + ${DEPTH}u <= kEnd;
${a.load}
${b.load}
  for (; k0 < kEnd; k0 += ${DEPTH}u) {
${a.store}
${b.store}
    workgroupBarrier();
    // Fetch the next slice into registers while this one is multiplied.
    let next = k0 + ${DEPTH}u;
    if (next < kEnd) {
      let k0 = next;
      fullA = rowsFull && k0 + ${DEPTH}u <= kEnd;
      fullB = colsFull && k0 + ${DEPTH}u <= kEnd;
${a.load.replace(/^/gm, "  ")}
${b.load.replace(/^/gm, "  ")}
    }
    for (var kk = 0u; kk < ${DEPTH}u; kk++) {
${step}
    }
    workgroupBarrier();
  }
${storesFixed}
}`;
}

export const matmulProgram = memo(matmulProgramSource);
