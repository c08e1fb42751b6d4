// Matrix-vector products for the M = 1 (decode) and N = 1 shapes, where the GEMM would waste 3/4 of
// its 4-row tile and spend as long packing the matrix as multiplying it. Both forms stream the matrix
// once, in storage order.
import { madd } from "./simd";

/**
 * acc + a · b as a multiply and a separate add, in both builds. A dot product's time in cache is the latency
 * of its accumulator chains, and an add's is half a fused multiply-add's on AMD Zen (2 against 4 cycles; equal
 * on Intel): 2048 x 2048 in L3 took 0.252 ms with FMAs against 0.214 with this, on one thread. (Four more
 * accumulators instead ran out of the 16 vector registers and took 0.32 ms.) From memory both run at the
 * memory's speed. The relaxed build's dot products then have the same bits as the baseline's.
 */
@inline function addProduct(acc: v128, a: v128, b: v128): v128 {
  return f32x4.add(acc, f32x4.mul(a, b));
}

@inline function horizontalSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Σ_p row[p] · x[p] over k4 (a multiple of 4) columns, two accumulators. */
@inline function rowDot(row: usize, x: usize, k4: i32): v128 {
  let a = f32x4.splat(0), b = f32x4.splat(0);
  let p = 0;
  for (; p + 8 <= k4; p += 8) {
    const offset = <usize>p * 4;
    a = addProduct(a, v128.load(row + offset), v128.load(x + offset));
    b = addProduct(b, v128.load(row + offset, 16), v128.load(x + offset, 16));
  }
  if (p < k4) a = addProduct(a, v128.load(row + <usize>p * 4), v128.load(x + <usize>p * 4));
  return f32x4.add(a, b);
}

/** The scalar tail and the store of one row's dot product. */
@inline function finishRow(acc: v128, row: usize, x: usize, k4: i32, k: i32, out: usize, accumulate: bool): void {
  let t = horizontalSum(acc);
  for (let p = k4; p < k; p++) t += load<f32>(row + <usize>p * 4) * load<f32>(x + <usize>p * 4);
  store<f32>(out, accumulate ? load<f32>(out) + t : t);
}

/**
 * y[r] (+)= Σ_p mat[r*ld + p] · x[p] for r < rows: dot products with contiguous matrix rows. Two rows at a time,
 * one from each half of the range, so the matrix streams from memory as two sequential reads far apart.
 */
export function gemvDot(rows: i32, k: i32, x: usize, mat: usize, ld: i32, y: usize, accumulate: bool): void {
  const ldBytes = <usize>ld * 4;
  const k4 = k & ~3;
  const half = rows >> 1;
  for (let r = 0; r < half; r++) {
    const m0 = mat + <usize>r * ldBytes;
    const m1 = mat + <usize>(r + half) * ldBytes;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), b0 = f32x4.splat(0), b1 = f32x4.splat(0);
    let p = 0;
    for (; p + 8 <= k4; p += 8) {
      const offset = <usize>p * 4;
      const x0 = v128.load(x + offset);
      const x1 = v128.load(x + offset, 16);
      a0 = addProduct(a0, v128.load(m0 + offset), x0);
      a1 = addProduct(a1, v128.load(m0 + offset, 16), x1);
      b0 = addProduct(b0, v128.load(m1 + offset), x0);
      b1 = addProduct(b1, v128.load(m1 + offset, 16), x1);
    }
    if (p < k4) {
      const xv = v128.load(x + <usize>p * 4);
      a0 = addProduct(a0, v128.load(m0 + <usize>p * 4), xv);
      b0 = addProduct(b0, v128.load(m1 + <usize>p * 4), xv);
    }
    finishRow(f32x4.add(a0, a1), m0, x, k4, k, y + <usize>r * 4, accumulate);
    finishRow(f32x4.add(b0, b1), m1, x, k4, k, y + <usize>(r + half) * 4, accumulate);
  }
  if (rows & 1) {
    const row = mat + <usize>(rows - 1) * ldBytes;
    finishRow(rowDot(row, x, k4), row, x, k4, k, y + <usize>(rows - 1) * 4, accumulate);
  }
}

/** Columns per block of `gemvAxpy`: 4 KB of y stays in L1 while the matrix streams past it. */
const AXPY_BLOCK: i32 = 1024;

/** y[j] (+)= Σ_p x[p] · mat[p*ld + j] for j < cols: scaled matrix rows added into y, 4 rows per pass. */
export function gemvAxpy(cols: i32, k: i32, x: usize, mat: usize, ld: i32, y: usize, accumulate: bool): void {
  const ldBytes = <usize>ld * 4;
  if (!accumulate) memory.fill(y, 0, <usize>cols * 4);
  for (let j0 = 0; j0 < cols; j0 += AXPY_BLOCK) {
    const width = min(AXPY_BLOCK, cols - j0);
    const w4 = width & ~3;
    const yb = y + <usize>j0 * 4;
    const mb = mat + <usize>j0 * 4;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const r0 = mb + <usize>p * ldBytes;
      const r1 = r0 + ldBytes;
      const r2 = r1 + ldBytes;
      const r3 = r2 + ldBytes;
      const xp = x + <usize>p * 4;
      const x0 = v128.load32_splat(xp);
      const x1 = v128.load32_splat(xp, 4);
      const x2 = v128.load32_splat(xp, 8);
      const x3 = v128.load32_splat(xp, 12);
      for (let j = 0; j < w4; j += 4) {
        const offset = <usize>j * 4;
        let acc = v128.load(yb + offset);
        acc = madd(x0, v128.load(r0 + offset), acc);
        acc = madd(x1, v128.load(r1 + offset), acc);
        acc = madd(x2, v128.load(r2 + offset), acc);
        acc = madd(x3, v128.load(r3 + offset), acc);
        v128.store(yb + offset, acc);
      }
      const xs0 = load<f32>(xp), xs1 = load<f32>(xp, 4), xs2 = load<f32>(xp, 8), xs3 = load<f32>(xp, 12);
      for (let j = w4; j < width; j++) {
        const offset = <usize>j * 4;
        store<f32>(yb + offset, load<f32>(yb + offset) + xs0 * load<f32>(r0 + offset) + xs1 * load<f32>(r1 + offset) + xs2 * load<f32>(r2 + offset) + xs3 * load<f32>(r3 + offset));
      }
    }
    for (; p < k; p++) {
      const row = mb + <usize>p * ldBytes;
      const xs = load<f32>(x + <usize>p * 4);
      const xv = f32x4.splat(xs);
      for (let j = 0; j < w4; j += 4) {
        const offset = <usize>j * 4;
        v128.store(yb + offset, madd(xv, v128.load(row + offset), v128.load(yb + offset)));
      }
      for (let j = w4; j < width; j++) {
        const offset = <usize>j * 4;
        store<f32>(yb + offset, load<f32>(yb + offset) + xs * load<f32>(row + offset));
      }
    }
  }
}
