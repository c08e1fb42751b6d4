// SparseGPT's solver on the host (float64 JavaScript) at GPT-2's largest layer shape, the MLP projection
// (768 × 3072, a 3072 × 3072 Hessian): the upper Cholesky factor of H⁻¹ by the reference's route (factor, inverse,
// factor) and by `inverseUpperCholesky`, then a whole 2:4 prune:
//   node tooling/bench/src/sparsegpt-solve.mjs [--cols 3072] [--rows 768]
// H is XᵀX + I over 512 deterministic tokens. About a minute. Needs the packages' dist builds.
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { choleskyLower, choleskyUpper, inverseFromCholesky, inverseUpperCholesky, sparsegptMask } from "@adaptive-sparse/masks";

const { values } = parseArgs({ options: { cols: { type: "string", default: "3072" }, rows: { type: "string", default: "768" } } });
const [cols, rows, tokens] = [Number(values.cols), Number(values.rows), 512];
const x = Float64Array.from({ length: tokens * cols }, (_, i) => Math.sin(i * 0.37) + Math.cos(i * 0.011));
const h = new Float64Array(cols * cols);
for (let t = 0; t < tokens; t++) {
  for (let i = 0; i < cols; i++) {
    const xi = x[t * cols + i];
    for (let j = 0; j < cols; j++) h[i * cols + j] += xi * x[t * cols + j];
  }
}
for (let i = 0; i < cols; i++) h[i * cols + i] += 1;
const seconds = (run) => {
  const started = performance.now();
  const result = run();
  return [result, (performance.now() - started) / 1000];
};
const [reference, referenceSeconds] = seconds(() => choleskyUpper(inverseFromCholesky(choleskyLower(h, cols), cols), cols));
const [direct, directSeconds] = seconds(() => inverseUpperCholesky(h, cols));
let [difference, scale] = [0, 0];
for (let i = 0; i < reference.length; i++) [difference, scale] = [Math.max(difference, Math.abs(reference[i] - direct[i])), Math.max(scale, Math.abs(reference[i]))];
const weight = { data: Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.7)), rows, cols };
const [, pruneSeconds] = seconds(() => sparsegptMask.prune(weight, h, { n: 2, m: 4 }));
console.log(`H ${cols}×${cols}: chol → inverse → chol ${referenceSeconds.toFixed(1)} s, inverseUpperCholesky ${directSeconds.toFixed(1)} s (max |ΔU| / max |U| ${(difference / scale).toExponential(1)}); sparsegpt prune of ${rows}×${cols} to 2:4 ${pruneSeconds.toFixed(1)} s`);
