import type { AdamWStepMode } from "@adaptive-sparse/core";
import { elementwiseMain, PARAMS, storage, memo } from "./wgsl.js";

/**
 * AdamWStep in place, one thread per element, f32 arithmetic in the order of core's cpu kernel
 * (`cpu/adamw-step.ts`). Bindings: param, m, v (read_write), grad (read), mask (read, one u32 per u8) when
 * `masked`. Params `[n, lr, beta1, beta2, eps, shrink, stepSize, bc2Sqrt, decay]`, the scalars as f32 bits;
 * the mode is baked into the source.
 */
function adamwProgramSource(mode: AdamWStepMode, masked: boolean): string {
  // E = 1 − M (the paper) or −1 − M (the reference code's bitwise NOT on an int mask); no mask: no decay term.
  const pruned = masked ? (mode === "reference-int-not" ? "(-1.0 - f32(Mask[i]))" : "(1.0 - f32(Mask[i]))") : "0.0";
  let body: string;
  if (mode === "sgd") {
    // m and v stay bound (the kernel's bindings do not depend on the mode) but untouched: a phony read keeps them in the layout.
    body = `_ = Mm[0]; _ = Vv[0];\n  P[i] = shrunk - lr * (G[i] + decay * ${pruned} * shrunk);`;
  } else if (mode === "decoupled" || mode === "reference-int-not") {
    body = `let mu = beta1 * Mm[i] + (1.0 - beta1) * G[i];
  Mm[i] = mu;
  let u = mu + decay * ${pruned} * shrunk;
  let nu = beta2 * Vv[i] + (1.0 - beta2) * u * u;
  Vv[i] = nu;
  P[i] = shrunk - (stepSize * u) / (sqrt(nu) / bc2Sqrt + eps);`;
  } else {
    const g = mode === "gradient" ? `G[i] + decay * ${pruned} * old` : "G[i]";
    body = `let gi = ${g};
  let mu = beta1 * Mm[i] + (1.0 - beta1) * gi;
  Mm[i] = mu;
  let nu = beta2 * Vv[i] + (1.0 - beta2) * gi * gi;
  Vv[i] = nu;
  P[i] = shrunk - (stepSize * mu) / (sqrt(nu) / bc2Sqrt + eps);`;
  }
  const scalars = ["lr", "beta1", "beta2", "eps", "shrink", "stepSize", "bc2Sqrt", "decay"].map((name, k) => `  let ${name} = bitcast<f32>(p[${k + 1}]);`);
  return [
    PARAMS,
    storage(1, "P", "f32", "read_write"),
    storage(2, "Mm", "f32", "read_write"),
    storage(3, "Vv", "f32", "read_write"),
    storage(4, "G", "f32", "read"),
    ...(masked ? [storage(5, "Mask", "u32", "read")] : []),
    elementwiseMain(`${scalars.join("\n")}
  let old = P[i];
  let shrunk = old * shrink;
  ${body}`),
  ].join("\n");
}

export const adamwProgram = memo(adamwProgramSource);
