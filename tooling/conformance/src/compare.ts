/** ‖actual − expected‖∞ / max(‖expected‖∞, tiny): the relative error the suite bounds. NaN/±Inf must match exactly. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number | null>): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i] ?? NaN;
    const a = actual[i];
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) return Infinity;
      continue;
    }
    diff = Math.max(diff, Math.abs(a - e));
    scale = Math.max(scale, Math.abs(e));
  }
  return diff / Math.max(scale, 1e-30);
}
