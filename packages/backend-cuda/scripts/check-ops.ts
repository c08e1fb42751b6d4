// GPT-2-sized ops on the CUDA backend against the cpu backend, from the same host data (as the WebGPU check).
import {
  adamwStep, concat, crossEntropy, full, gather, groupTopK, layerNorm, matmul, scatterAdd, softmax, sum, tensor, tidy, type Backend, type Tensor,
} from "@adaptive-sparse/core";
import { agreeWithCpu, seededValues as randomValues } from "../../../tooling/conformance/src/device-check.js";

const ints = (count: number, bound: number, seed: number) => Int32Array.from(randomValues(count, seed), (v) => Math.floor(((v + 1) / 2) * bound) % bound);
const scaled = (count: number, seed: number, scale: number) => randomValues(count, seed).map((v) => v * scale);


/** Three AdamW steps of a GPT-2-sized weight (masked, decoupled decay) against the cpu kernel. */
function adamw(backend: Backend, n: number): Tensor {
  const shape = [n / 768, 768];
  const param = tensor(scaled(n, 21, 0.1), { shape, backend });
  const m = full(shape, 0, { backend });
  const v = full(shape, 0, { backend });
  const mask = tensor(Uint8Array.from({ length: n }, (_, i) => (i % 4 < 2 ? 1 : 0)), { shape, dtype: "u8", backend });
  for (let step = 1; step <= 3; step++) {
    const grad = tensor(scaled(n, 30 + step, 0.01), { shape, backend });
    adamwStep({ param, m, v, grad, mask }, { lr: 6e-4, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, decay: 0.05, step, mode: "decoupled" });
    grad.dispose();
  }
  [m, v, mask].forEach((t) => t.dispose());
  return param;
}

const MODES = ["textbook", "decoupled", "reference-int-not", "gradient", "sgd"] as const;

/** AdamWStep in every mode: three steps of a [6, 8] parameter (2:4 mask), as the conformance suite's cases. */
function adamwMode(backend: Backend, mode: (typeof MODES)[number]): Tensor {
  const shape = [6, 8];
  const param = tensor(scaled(48, 1, 1), { shape, backend });
  const m = full(shape, 0, { backend });
  const v = full(shape, 0, { backend });
  const mask = mode === "textbook" ? null : tensor(Uint8Array.from({ length: 48 }, (_, i) => ((i * 7) % 4 < 2 ? 1 : 0)), { shape, dtype: "u8", backend });
  for (let step = 1; step <= 3; step++) {
    const grad = tensor(scaled(48, 10 + step, 0.5), { shape, backend });
    adamwStep({ param, m, v, grad, mask }, { lr: 0.01, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, decay: 0.2, step, mode });
    grad.dispose();
  }
  const all = concat([param, m, v], 0);
  [param, m, v, mask].forEach((t) => t?.dispose());
  return all;
}

export async function checkOps(gpu: Backend, small: boolean, log: (line: string) => void): Promise<boolean[]> {
  const [T, C, V] = small ? [64, 96, 500] : [1024, 768, 50257];
  const f = (count: number, seed: number, scale = 1) => scaled(count, seed, scale);
  const t = (b: Backend, data: Float32Array | Int32Array, shape: number[], dtype: "f32" | "i32" = "f32") => tensor(data, { shape, dtype, backend: b });
  const checks: [string, (b: Backend) => Tensor, number][] = [
    [`linear [${T}, ${C}]·[${4 * C}, ${C}]ᵀ`, (b) => matmul(t(b, f(T * C, 3), [T, C]), t(b, f(4 * C * C, 4), [4 * C, C]), { transB: true }), 1e-4],
    [`batched linear [2, ${T / 2}, ${C}]·[${C}, ${3 * C}]`, (b) => matmul(t(b, f(T * C, 5), [2, T / 2, C]), t(b, f(3 * C * C, 6), [C, 3 * C])), 1e-4],
    [`attention scores [12, ${T / 4}, 64]·[12, ${T / 4}, 64]ᵀ`, (b) => matmul(t(b, f(3 * T * 64, 7), [12, T / 4, 64]), t(b, f(3 * T * 64, 8), [12, T / 4, 64]), { transB: true }), 1e-4],
    [`softmax [${T / 4}, ${V}]`, (b) => softmax(t(b, f((T / 4) * V, 9, 8), [T / 4, V]), -1), 1e-4],
    [`layer norm [${4 * T}, ${C}]`, (b) => layerNorm(t(b, f(4 * T * C, 10, 3), [4 * T, C]), null, null), 1e-4],
    [`cross entropy + backward [${T / 4}, ${V}]`, (b) => tidy(() => {
      const logits = tensor(f((T / 4) * V, 11, 4), { shape: [T / 4, V], backend: b, requiresGrad: true });
      crossEntropy(logits, t(b, ints(T / 4, V, 12), [T / 4], "i32")).backward();
      return logits.grad!;
    }), 1e-4],
    [`embedding gradient: scatter-add [${4 * T}, ${C}] into ${V} rows`, (b) => scatterAdd(t(b, f(4 * T * C, 13), [4 * T, C]), t(b, ints(4 * T, V, 14), [4 * T], "i32"), V), 1e-6],
    [`gather [${4 * T}] rows of [${V}, ${C}]`, (b) => gather(t(b, f(V * C, 15), [V, C]), t(b, ints(4 * T, V, 16), [4 * T], "i32")), 0],
    [`2:4 group top-k [${4 * C}, ${C}]`, (b) => groupTopK(t(b, f(4 * C * C, 17), [4 * C, C]), 2, 4), 0],
    [`sum over [${8 * T}, ${4 * C}] axis 1`, (b) => sum(t(b, f(32 * T * C, 18), [8 * T, 4 * C]), 1), 1e-5],
    [`bias gradient: sum over [${4 * T}, ${4 * C}] axis 0`, (b) => sum(t(b, f(16 * T * C, 19), [4 * T, 4 * C]), 0), 1e-5],
    [`AdamWStep decoupled, 3 steps of [${4 * C}, 768]`, (b) => adamw(b, 4 * C * 768), 1e-5],
    ...MODES.map((mode): [string, (b: Backend) => Tensor, number] => [`AdamWStep ${mode}, 3 steps of [6, 8] (param, m, v)`, (b) => adamwMode(b, mode), 1e-5]),
  ];
  const results: boolean[] = [];
  for (const [name, build, tolerance] of checks) {
    try {
      results.push(await agreeWithCpu(name, gpu, build, tolerance, log));
    } catch (error) {
      log(`FAIL ${name}: ${(error as Error).message}`);
      results.push(false);
    }
  }
  return results;
}
