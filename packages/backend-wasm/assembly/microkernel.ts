// The GEMM register tile. An A panel holds MR rows of A for every k (MR floats per k), a B panel holds NR
// columns for every k (NR floats per k); pack.ts lays both out contiguously so the inner loop reads
// memory strictly forward.
//
// Why 4x8: V8's x64 backend has 15 allocatable xmm registers and, without FMA in baseline wasm SIMD,
// needs one temporary for each product. 4x8 keeps 8 f32x4 accumulators + 2 B vectors + 1 broadcast A
// value + 1 temporary live (12) with no spills. A 6x8 tile needs 16 and spilled 4 accumulators every
// k step (measured: 26 vs 40 GFLOP/s); unrolling the k loop made V8 keep more values live and was
// slower too (29 GFLOP/s), so the loop is written plainly. The relaxed-SIMD build fuses each
// multiply-add (simd.ts): 1.2-1.5x the baseline build's GFLOP/s with the same tile (a 6x8
// tile, which fits 15 registers once no temporary is needed, measured half as fast in V8 11.3).

import { madd } from "./simd";

/** Rows of the register tile. */
export const MR: i32 = 4;
/** Columns of the register tile (two f32x4). */
export const NR: i32 = 8;

/**
 * C[0:4, 0:8] (+)= Apanel · Bpanel over `kc` steps. `c` points at the tile's top-left float, `ldc` is the
 * row stride in bytes. Without `accumulate` the tile is overwritten (first k block).
 */
export function kernel4x8(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const a0 = v128.load32_splat(pa);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(pa, 4);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(pa, 8);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(pa, 12);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    pa += 16;
    pb += 32;
  }
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc));
    c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc));
    c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc));
    c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}
