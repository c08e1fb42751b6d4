// Packing copies a block of op(A) or op(B) into the panel layout the micro-kernel streams through, and
// applies the transpose on the way, so the kernel itself never branches on layout. Packing is O(m*k) or
// O(k*n) per block against O(m*n*k) of arithmetic; the common full-panel cases still use SIMD loads
// and 4x4 in-register transposes so packing stays a few percent of the run time.
import { MR, NR } from "./microkernel";

// The fast paths below assume the 4x8 tile (one 4x4 transpose covers an A panel, two cover a B panel).


@inline function transposeStore4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: usize): void {
  // Rows r0..r3 hold 4 consecutive k of 4 different rows/columns; write them as 4 k-slices.
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + stride, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

/** Generic (edge) packing: `width` lanes of which `valid` are real, element (lane, p) at base + lane*ls + p*ps. */
function packScalar(src: usize, laneStride: usize, kStride: usize, valid: i32, width: i32, kc: i32, dst: usize): void {
  for (let p = 0; p < kc; p++) {
    const row = dst + <usize>(p * width) * 4;
    const from = src + <usize>p * kStride;
    for (let l = 0; l < width; l++) {
      store<f32>(row + <usize>l * 4, l < valid ? load<f32>(from + <usize>l * laneStride) : 0);
    }
  }
}

/**
 * Packs op(A)[i0:i0+mc, p0:p0+kc] into panels of MR rows: panel r holds, for each k, MR floats.
 * `a` points at op(A)[0,0]; `lda` is in floats. Rows past `mc` are zero so edge tiles compute garbage-free.
 */
export function packA(transA: bool, a: usize, lda: i32, mc: i32, kc: i32, dst: usize): void {
  const ld = <usize>lda * 4;
  const panelBytes = <usize>(MR * kc) * 4;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    if (transA) {
      // op(A)[i, p] = A[p, i]: each k holds MR consecutive floats of one stored row.
      const src = a + <usize>ir * 4;
      if (rows == MR) {
        for (let p = 0; p < kc; p++) v128.store(dst + <usize>(p * MR) * 4, v128.load(src + <usize>p * ld));
      } else packScalar(src, 4, ld, rows, MR, kc, dst);
    } else {
      // op(A)[i, p] = A[i, p]: gather from MR rows, 4 k at a time through a 4x4 transpose.
      const src = a + <usize>ir * ld;
      if (rows == MR) {
        const k4 = kc & ~3;
        const stride = <usize>MR * 4;
        for (let p = 0; p < k4; p += 4) {
          const from = src + <usize>p * 4;
          const to = dst + <usize>(p * MR) * 4;
          transposeStore4(v128.load(from), v128.load(from + ld), v128.load(from + 2 * ld), v128.load(from + 3 * ld), to, stride);
        }
        if (k4 < kc) packScalar(src + <usize>k4 * 4, ld, 4, MR, MR, kc - k4, dst + <usize>(k4 * MR) * 4);
      } else packScalar(src, ld, 4, rows, MR, kc, dst);
    }
    dst += panelBytes;
  }
}

/**
 * Packs op(B)[p0:p0+kc, j0:j0+nc] into panels of NR columns: panel j holds, for each k, NR floats.
 * `b` points at op(B)[0,0]; `ldb` is in floats. Columns past `nc` are zero.
 */
export function packB(transB: bool, b: usize, ldb: i32, kc: i32, nc: i32, dst: usize): void {
  const ld = <usize>ldb * 4;
  const panelBytes = <usize>(NR * kc) * 4;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    if (transB) {
      // op(B)[p, j] = B[j, p]: gather from NR stored rows through two 4x4 transposes per 4 k.
      const src = b + <usize>jr * ld;
      if (cols == NR) {
        const k4 = kc & ~3;
        const stride = <usize>NR * 4;
        for (let p = 0; p < k4; p += 4) {
          const from = src + <usize>p * 4;
          const to = dst + <usize>(p * NR) * 4;
          transposeStore4(v128.load(from), v128.load(from + ld), v128.load(from + 2 * ld), v128.load(from + 3 * ld), to, stride);
          const f4 = from + 4 * ld;
          transposeStore4(v128.load(f4), v128.load(f4 + ld), v128.load(f4 + 2 * ld), v128.load(f4 + 3 * ld), to + 16, stride);
        }
        if (k4 < kc) packScalar(src + <usize>k4 * 4, ld, 4, NR, NR, kc - k4, dst + <usize>(k4 * NR) * 4);
      } else packScalar(src, ld, 4, cols, NR, kc, dst);
    } else {
      // op(B)[p, j] = B[p, j]: each k is NR consecutive floats of one stored row.
      const src = b + <usize>jr * 4;
      if (cols == NR) {
        for (let p = 0; p < kc; p++) {
          const from = src + <usize>p * ld;
          const to = dst + <usize>(p * NR) * 4;
          v128.store(to, v128.load(from));
          v128.store(to, v128.load(from, 16), 16);
        }
      } else packScalar(src, 4, ld, cols, NR, kc, dst);
    }
    dst += panelBytes;
  }
}
