import { causalSoftmax, createCpuBackend, getDefaultBackend, setDefaultBackend, tensor, tidy, type Backend } from "@adaptive-sparse/core";
import { relativeError } from "@adaptive-sparse/conformance";
import { GPT } from "@adaptive-sparse/nn";
import { describe, expect, it } from "vitest";
import { hasAdapter, randomValues, sharedBackend } from "./test-device.js";

const read = async (t: { data(): Promise<ArrayLike<number>> }) => Array.from(await t.data());

/** Runs `fn` with the backend's CausalSoftmax kernels removed (nn then takes the mul, −∞ fill, softmax path). */
async function unfused<T>(gpu: Backend, fn: () => Promise<T>): Promise<T> {
  const kernels = gpu.kernels as Record<string, unknown>;
  const saved = [kernels.CausalSoftmax, kernels.CausalSoftmaxGrad];
  delete kernels.CausalSoftmax;
  delete kernels.CausalSoftmaxGrad;
  try {
    return await fn();
  } finally {
    [kernels.CausalSoftmax, kernels.CausalSoftmaxGrad] = saved;
  }
}

describe.runIf(await hasAdapter())("webgpu fused causal attention rows", () => {
  it("rows wider than a workgroup (T = 300): values and gradient match the cpu decomposition", async () => {
    const shape = [1, 2, 300, 300];
    const n = 2 * 300 * 300;
    const run = async (backend: Backend) => {
      const x = tensor(randomValues(n, 5).map((v) => 8 * v), { shape, backend, requiresGrad: true });
      const y = tidy(() => {
        const out = causalSoftmax(x, 0.125);
        out.backward(tensor(randomValues(n, 6), { shape, backend }));
        return out;
      });
      const result = [await read(y), await read(x.grad!)];
      y.dispose();
      x.zeroGrad();
      x.dispose();
      return result;
    };
    const gpu = await sharedBackend();
    const [want, got] = [await run(createCpuBackend()), await run(gpu)];
    expect(relativeError(got[0]!, want[0]!), "values").toBeLessThanOrEqual(1e-5);
    expect(relativeError(got[1]!, want[1]!), "gradient").toBeLessThanOrEqual(1e-5);
    expect(got[0]![299], "row 0 sees only column 0").toBe(0);
  });

  it("a GPT forward keeps three fewer [B, H, T, T] tensors per layer live with the fused rows, and the same loss", async () => {
    const gpu = await sharedBackend();
    const previous = getDefaultBackend();
    setDefaultBackend(gpu); // GPT creates its parameters on the default backend
    const [B, T, H, L] = [2, 32, 2, 2];
    const model = new GPT({ nLayer: L, nHead: H, nEmbd: 32, blockSize: T, vocabSize: 64 });
    const tokens = tensor(Array.from({ length: B * T }, (_, i) => (i * 7) % 64), { shape: [B, T], dtype: "i32", backend: gpu });
    // Live bytes the forward leaves for backward, then the loss and one parameter's gradient after backward.
    const step = async () => {
      model.forward(tokens, tokens).loss!.dispose(); // warm-up: builds the cached causal mask outside the measurement
      const before = gpu.stats().liveBytes;
      const result = await tidy(() => {
        const loss = model.forward(tokens, tokens).loss!;
        const held = gpu.stats().liveBytes - before;
        loss.backward();
        return { held, loss };
      });
      const out = { held: result.held, loss: (await read(result.loss))[0]!, grad: await read(model.parameters()[0]!.grad!) };
      result.loss.dispose();
      for (const p of model.parameters()) p.zeroGrad();
      return out;
    };
    try {
      const fused = await step();
      const plain = await unfused(gpu, step);
      const attention = B * H * T * T * 4;
      // Without the fused op a layer keeps the scores, scaled scores, masked scores and probabilities, plus its
      // two scalar constants (1/√hd and −∞, one 256-byte size class each); with it, the probabilities only.
      expect(plain.held - fused.held).toBe(L * (3 * attention + 2 * 256));
      expect(Math.abs(fused.loss - plain.loss) / Math.abs(plain.loss)).toBeLessThanOrEqual(1e-5);
      expect(relativeError(fused.grad, plain.grad)).toBeLessThanOrEqual(1e-4);
      console.log(`GPT B${B} T${T} H${H} L${L} on ${gpu.name}: forward leaves ${plain.held} bytes live unfused, ${fused.held} fused`);
    } finally {
      tokens.dispose();
      model.dispose();
      setDefaultBackend(previous);
    }
  }, 60_000);
});
