import { OFFSET_OF, PARAMS, storage } from "./wgsl.js";

/** Output tile per workgroup (TILE × TILE), reduction slice per step (DEPTH), threads per side, outputs per thread side. */
export const TILE = 64;
const DEPTH = 16;
const THREADS = 16;
const PER = TILE / THREADS;
const LOADS = (TILE * DEPTH) / (THREADS * THREADS);

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Tiled GEMM `C[b] = op(A[b]) · op(B[b])` with shared-memory tiles: each 16×16 workgroup computes a 64×64
 * block of C, each thread a 4×4 register block (rows `ty + 16r`, columns `tx + 16c`). A transpose only changes
 * how a tile element is fetched from global memory, so the four variants share the inner loop. The register
 * block is unrolled into scalars here in the generator: private arrays with loop indices end up in memory
 * on some compilers (lavapipe ran 3× slower with them).
 *
 * Params: `[M, N, K, batchStart, batchRank, batchShape..., aBatchStrides..., bBatchStrides...]`, the batch
 * strides in elements (0 along broadcast axes). Grid: `(ceil(N/64), ceil(M/64), batches)`.
 */
export function matmulProgram(transA: boolean, transB: boolean): string {
  // a(i, k) of the logical M×K operand and b(k, j) of the K×N one; tiles are stored k-major (As[k * TILE + m]).
  const aAt = transA ? "aBase + k * M + i" : "aBase + i * K + k";
  const bAt = transB ? "bBase + j * K + k" : "bBase + k * N + j";
  // Which tile element thread `lid` loads in round l: consecutive threads walk the operand's contiguous axis.
  const aSplit = transA ? `let mm = e % ${TILE}u; let kk = e / ${TILE}u;` : `let kk = e % ${DEPTH}u; let mm = e / ${DEPTH}u;`;
  const bSplit = transB ? `let nn = e / ${DEPTH}u; let kk = e % ${DEPTH}u;` : `let nn = e % ${TILE}u; let kk = e / ${TILE}u;`;
  const loads = range(LOADS)
    .map(
      (l) => `    {
      let e = lid + ${l * THREADS * THREADS}u;
      { ${aSplit} let i = row0 + mm; let k = k0 + kk; As[kk * ${TILE}u + mm] = select(0.0, A[${aAt}], i < M && k < K); }
      { ${bSplit} let j = col0 + nn; let k = k0 + kk; Bs[kk * ${TILE}u + nn] = select(0.0, B[${bAt}], j < N && k < K); }
    }`,
    )
    .join("\n");
  const cells = range(PER).flatMap((r) => range(PER).map((c) => [r, c]));
  const step = [
    ...range(PER).map((r) => `      let a${r} = As[kk * ${TILE}u + ty + ${r * THREADS}u];`),
    ...range(PER).map((c) => `      let b${c} = Bs[kk * ${TILE}u + tx + ${c * THREADS}u];`),
    ...cells.map(([r, c]) => `      c${r}${c} = fma(a${r}, b${c}, c${r}${c});`),
  ].join("\n");
  const stores = cells
    .map(([r, c]) => `  { let i = row0 + ty + ${r * THREADS}u; let j = col0 + tx + ${c * THREADS}u; if (i < M && j < N) { C[cBase + i * N + j] = c${r}${c}; } }`)
    .join("\n");
  return `${PARAMS}
${storage(1, "A", "f32", "read")}
${storage(2, "B", "f32", "read")}
${storage(3, "C", "f32", "read_write")}
${OFFSET_OF}
var<workgroup> As: array<f32, ${TILE * DEPTH}>;
var<workgroup> Bs: array<f32, ${TILE * DEPTH}>;

@compute @workgroup_size(${THREADS}, ${THREADS})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u, @builtin(local_invocation_index) lid: u32) {
  let M = p[0];
  let N = p[1];
  let K = p[2];
  let batch = p[3] + wid.z;
  let rank = p[4];
  let aBase = offsetOf(batch, rank, 5u, 5u + rank);
  let bBase = offsetOf(batch, rank, 5u, 5u + 2u * rank);
  let cBase = batch * M * N;
  let row0 = wid.y * ${TILE}u;
  let col0 = wid.x * ${TILE}u;
  let tx = lid3.x;
  let ty = lid3.y;
${cells.map(([r, c]) => `  var c${r}${c} = 0.0;`).join("\n")}
  for (var k0 = 0u; k0 < K; k0 += ${DEPTH}u) {
${loads}
    workgroupBarrier();
    for (var kk = 0u; kk < ${DEPTH}u; kk++) {
${step}
    }
    workgroupBarrier();
  }
${stores}
}`;
}
