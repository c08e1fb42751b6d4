import { tensor, tidy, type Tensor } from "@adaptive-sparse/core";

/**
 * Central finite differences of `Σ f(inputs) ⊙ cotangent` with respect to input `which`, in float64.
 * The oracle for every VJP that PyTorch fixtures do not pin down.
 */
export function finiteDifference(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  which: number,
  cotangent: Float64Array,
  step = 1e-6,
): Float64Array {
  const base = inputs[which].dataSync() as Float64Array;
  const grad = new Float64Array(base.length);
  const evaluate = (values: Float64Array) =>
    tidy(() => {
      const replaced = inputs.map((input, k) => (k === which ? tensor(values, { shape: input.shape, dtype: "f64", backend: input.backend }) : input));
      const out = fn(...replaced).dataSync();
      let total = 0;
      for (let i = 0; i < out.length; i++) total += out[i] * cotangent[i];
      return total;
    });
  for (let i = 0; i < base.length; i++) {
    const plus = base.slice();
    const minus = base.slice();
    plus[i] += step;
    minus[i] -= step;
    grad[i] = (evaluate(plus) - evaluate(minus)) / (2 * step);
  }
  return grad;
}
