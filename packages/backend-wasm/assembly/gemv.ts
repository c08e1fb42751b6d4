// Matrix-vector products for the M = 1 (decode) and N = 1 shapes, where the GEMM would waste 3/4 of
// its 4-row tile and spend as long packing the matrix as multiplying it. Both forms stream the matrix
// once, in storage order.
import { madd } from "./simd";

@inline function horizontalSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** y[r] (+)= Σ_p mat[r*ld + p] · x[p] for r < rows: dot products with contiguous matrix rows. */
export function gemvDot(rows: i32, k: i32, x: usize, mat: usize, ld: i32, y: usize, accumulate: bool): void {
  const ldBytes = <usize>ld * 4;
  const k4 = k & ~3;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    // Four rows at a time share each load of x.
    const m0 = mat + <usize>r * ldBytes;
    const m1 = m0 + ldBytes;
    const m2 = m1 + ldBytes;
    const m3 = m2 + ldBytes;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    for (let p = 0; p < k4; p += 4) {
      const offset = <usize>p * 4;
      const xv = v128.load(x + offset);
      s0 = madd(v128.load(m0 + offset), xv, s0);
      s1 = madd(v128.load(m1 + offset), xv, s1);
      s2 = madd(v128.load(m2 + offset), xv, s2);
      s3 = madd(v128.load(m3 + offset), xv, s3);
    }
    let t0 = horizontalSum(s0), t1 = horizontalSum(s1), t2 = horizontalSum(s2), t3 = horizontalSum(s3);
    for (let p = k4; p < k; p++) {
      const offset = <usize>p * 4;
      const xs = load<f32>(x + offset);
      t0 += load<f32>(m0 + offset) * xs;
      t1 += load<f32>(m1 + offset) * xs;
      t2 += load<f32>(m2 + offset) * xs;
      t3 += load<f32>(m3 + offset) * xs;
    }
    const out = y + <usize>r * 4;
    if (accumulate) {
      t0 += load<f32>(out);
      t1 += load<f32>(out, 4);
      t2 += load<f32>(out, 8);
      t3 += load<f32>(out, 12);
    }
    store<f32>(out, t0);
    store<f32>(out, t1, 4);
    store<f32>(out, t2, 8);
    store<f32>(out, t3, 12);
  }
  for (; r < rows; r++) {
    const row = mat + <usize>r * ldBytes;
    let s = f32x4.splat(0);
    for (let p = 0; p < k4; p += 4) s = madd(v128.load(row + <usize>p * 4), v128.load(x + <usize>p * 4), s);
    let t = horizontalSum(s);
    for (let p = k4; p < k; p++) t += load<f32>(row + <usize>p * 4) * load<f32>(x + <usize>p * 4);
    const out = y + <usize>r * 4;
    store<f32>(out, accumulate ? load<f32>(out) + t : t);
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
