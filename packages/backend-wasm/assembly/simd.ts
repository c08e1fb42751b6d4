// a * b + c on f32x4. Built twice (scripts/build-wasm.mjs): with relaxed SIMD it is one fused
// multiply-add (vfmadd on x64, fmla on arm64), which halves the arithmetic instructions of every kernel
// and frees the temporary register a separate multiply needs; without it, a multiply and an add.
// ASC_FEATURE_RELAXED_SIMD is a compile-time constant, so each build keeps one branch.

/** a · b + c per lane (fused where the build has relaxed SIMD; results may differ in the last bit). */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<f32>(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
