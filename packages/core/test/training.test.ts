import { describe, expect, it } from "vitest";
import fixture from "../fixtures/training.json" with { type: "json" };
import {
  add, causalMask, crossEntropy, eq, gelu, layerNorm, maskedFill, matmul, mean, memory, mul, noGrad, permute, reshape,
  softmax, split, square, sub, tensor, tidy, type Tensor,
} from "../src/index.js";

type Run = typeof fixture.mlp;

function relError(actual: ArrayLike<number>, expected: readonly number[]): number {
  let diff = 0;
  let scale = 0;
  expected.forEach((e, i) => {
    diff = Math.max(diff, Math.abs(actual[i] - e));
    scale = Math.max(scale, Math.abs(e));
  });
  return diff / scale;
}

/** Plain SGD for `steps` steps; every step's graph lives inside one tidy so nothing leaks. */
function train(run: Run, lossOf: (p: Record<string, Tensor>) => Tensor) {
  const params = Object.fromEntries(
    Object.entries(run.initial).map(([name, values]) => [name, tensor(values, { shape: (run.shapes as Record<string, number[]>)[name], requiresGrad: true })]),
  );
  const losses: number[] = [];
  let lastGrads: Record<string, Float32Array> = {};
  const live = memory().tensors;
  for (let step = 0; step < run.losses.length; step++) {
    tidy(() => {
      const loss = lossOf(params);
      loss.backward();
      losses.push(loss.item());
    });
    lastGrads = Object.fromEntries(Object.entries(params).map(([name, p]) => [name, p.grad!.dataSync() as Float32Array]));
    noGrad(() => {
      for (const [name, p] of Object.entries(params)) {
        const updated = tidy(() => sub(p, mul(p.grad!, run.lr)));
        p.zeroGrad();
        p.dispose();
        params[name] = updated.requireGrad();
      }
    });
    expect(memory().tensors).toBe(live);
  }
  return { params, losses, lastGrads };
}

function expectMatches(run: Run, result: ReturnType<typeof train>) {
  expect(relError(result.losses, run.losses)).toBeLessThan(1e-5);
  for (const name of Object.keys(run.final)) {
    expect(relError(result.lastGrads[name], (run.lastGrads as Record<string, number[]>)[name]), `grad ${name}`).toBeLessThan(1e-5);
    expect(relError(result.params[name].dataSync(), (run.final as Record<string, number[]>)[name]), `param ${name}`).toBeLessThan(1e-5);
  }
}

describe("training matches PyTorch for 5 SGD steps", () => {
  it("tiny MLP with GELU and cross-entropy", () => {
    const run = fixture.mlp;
    const x = tensor(run.x, { shape: run.xShape });
    const y = tensor(run.y, { dtype: "i32" });
    const result = train(run, (p) => {
      const hidden = gelu(add(matmul(x, p.w1, { transB: true }), p.b1));
      return crossEntropy(add(matmul(hidden, p.w2, { transB: true }), p.b2), y);
    });
    expect(result.losses[4]).toBeLessThan(result.losses[0]);
    expectMatches(run, result);
  });

  it("two pre-LN causal self-attention blocks", () => {
    const run = fixture.attention;
    const [B, T, C, H] = [2, 5, 8, 2];
    const x = tensor(run.x, { shape: [B, T, C] });
    const target = tensor(run.target, { shape: [B, T, 3] });
    const heads = (t: Tensor) => permute(reshape(t, [B, T, H, C / H]), [0, 2, 1, 3]); // (B, H, T, hs)
    const result = train(run, (p) => {
      let h = x;
      for (const layer of [0, 1]) {
        const z = layerNorm(h, p[`l${layer}.ln_w`], p[`l${layer}.ln_b`]);
        const qkv = add(matmul(z, p[`l${layer}.qkv_w`], { transB: true }), p[`l${layer}.qkv_b`]);
        const [q, k, v] = split(qkv, 3, -1).map(heads);
        const scores = mul(matmul(q, k, { transB: true }), 1 / Math.sqrt(C / H)); // (B, H, T, T)
        const attention = softmax(maskedFill(scores, eq(causalMask(T), 0), -Infinity));
        const out = reshape(permute(matmul(attention, v), [0, 2, 1, 3]), [B, T, C]);
        h = add(h, add(matmul(out, p[`l${layer}.proj_w`], { transB: true }), p[`l${layer}.proj_b`]));
      }
      return mean(square(sub(matmul(h, p.out_w, { transB: true }), target)));
    });
    expect(result.losses[4]).toBeLessThan(result.losses[0]);
    expectMatches(run, result);
  });
});
