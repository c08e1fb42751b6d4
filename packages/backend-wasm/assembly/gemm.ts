// Cache-blocked GEMM (the Goto/BLIS loop order): for each NC-wide column block of C and each KC-deep
// slice of k, pack op(B)[KC, NC] once (it stays in L2/L3), then for each MC-tall row block pack
// op(A)[MC, KC] (it stays in L2) and sweep the register tiles: one B micro-panel (KC x NR, ~8 KB) stays
// in L1 while every A micro-panel of the block streams past it.
import { MR, NR, kernel4x8 } from "./microkernel";
import { packA, packB } from "./pack";
import { packB24 } from "./sparse24";

@inline function roundUp(x: i32, to: i32): i32 {
  return ((x + to - 1) / to) * to;
}

/** Bytes of scratch `gemm` needs for the given block sizes (packed A, packed B and one edge tile). */
export function gemmWorkBytes(mcBlock: i32, kcBlock: i32, ncBlock: i32): i32 {
  return (roundUp(mcBlock, MR) * kcBlock + roundUp(ncBlock, NR) * kcBlock + MR * NR) * 4;
}

function macroKernel(mc: i32, nc: i32, kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, accumulate: bool, tile: usize): void {
  const aPanel = <usize>(MR * kc) * 4;
  const bPanel = <usize>(NR * kc) * 4;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const b = pb + <usize>(jr / NR) * bPanel;
    for (let ir = 0; ir < mc; ir += MR) {
      const rows = min(MR, mc - ir);
      const a = pa + <usize>(ir / MR) * aPanel;
      const target = c + <usize>ir * ldc + <usize>jr * 4;
      if (rows == MR && cols == NR) {
        kernel4x8(kc, a, b, target, ldc, accumulate);
      } else {
        // Edge tile: compute the full tile into scratch, then add/copy its valid part.
        kernel4x8(kc, a, b, tile, <usize>NR * 4, false);
        for (let r = 0; r < rows; r++) {
          const row = target + <usize>r * ldc;
          const from = tile + <usize>(r * NR) * 4;
          for (let j = 0; j < cols; j++) {
            const value = load<f32>(from + <usize>j * 4);
            const to = row + <usize>j * 4;
            store<f32>(to, accumulate ? load<f32>(to) + value : value);
          }
        }
      }
    }
  }
}

/**
 * Which packer fills the B panels: a dense op(B), or a 2:4-compressed W read as op(B) = Wᵀ. For the
 * sparse case `ldb` carries the first row of W this call covers (a compressed row has no free stride).
 */
@inline function packBlockB(sparse: bool, transB: bool, b: usize, ldb: i32, indices: usize, k: i32, jc: i32, pc: i32, kc: i32, nc: i32, dst: usize): void {
  if (sparse) packB24(b, indices, k, ldb + jc, pc, kc, nc, dst);
  else {
    const bRow: usize = transB ? 4 : <usize>ldb * 4; // byte step of op(B) along p
    const bCol: usize = transB ? <usize>ldb * 4 : 4; // ... and along j
    packB(transB, b + <usize>pc * bRow + <usize>jc * bCol, ldb, kc, nc, dst);
  }
}

/**
 * The blocked driver shared by the dense and the 2:4 GEMM. For `sparse`, `b` holds the compressed values
 * of W [n, k] and `indices` its packed positions (the layout of sparse24.ts), op(B) = Wᵀ, and `ldb` is
 * the first row of W to use.
 */
export function gemmBlocked(
  sparse: bool, transA: bool, transB: bool, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32, indices: usize, c: usize, ldc: i32,
  work: usize, mcBlock: i32, kcBlock: i32, ncBlock: i32, accumulate: bool,
): void {
  if (m <= 0 || n <= 0) return;
  const ldcBytes = <usize>ldc * 4;
  if (k <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(c + <usize>i * ldcBytes, 0, <usize>n * 4);
    return;
  }
  const pa = work;
  const pb = pa + <usize>(roundUp(mcBlock, MR) * kcBlock) * 4;
  const tile = pb + <usize>(roundUp(ncBlock, NR) * kcBlock) * 4;
  const aRow: usize = transA ? 4 : <usize>lda * 4; // byte step of op(A) along i
  const aCol: usize = transA ? <usize>lda * 4 : 4; // ... and along p
  for (let jc = 0; jc < n; jc += ncBlock) {
    const nc = min(ncBlock, n - jc);
    for (let pc = 0; pc < k; pc += kcBlock) {
      const kc = min(kcBlock, k - pc);
      packBlockB(sparse, transB, b, ldb, indices, k, jc, pc, kc, nc, pb);
      for (let ic = 0; ic < m; ic += mcBlock) {
        const mc = min(mcBlock, m - ic);
        packA(transA, a + <usize>ic * aRow + <usize>pc * aCol, lda, mc, kc, pa);
        macroKernel(mc, nc, kc, pa, pb, c + <usize>ic * ldcBytes + <usize>jc * 4, ldcBytes, accumulate || pc > 0, tile);
      }
    }
  }
}

/**
 * C[m, n] = op(A) · op(B) (or += with `accumulate`), f32, row-major with leading dimensions in floats.
 * op(A)[i, p] is A[i*lda + p], or A[p*lda + i] when `transA`; likewise for B. `work` must hold
 * `gemmWorkBytes(mcBlock, kcBlock, ncBlock)` bytes, 16-byte aligned.
 */
export function gemm(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  work: usize, mcBlock: i32, kcBlock: i32, ncBlock: i32, accumulate: bool,
): void {
  gemmBlocked(false, transA, transB, m, n, k, a, lda, b, ldb, 0, c, ldc, work, mcBlock, kcBlock, ncBlock, accumulate);
}
