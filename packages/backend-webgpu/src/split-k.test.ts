import { createCpuBackend, matmul, tensor, type Backend } from "@adaptive-sparse/core";
import { relativeError } from "@adaptive-sparse/conformance";
import { describe, expect, it } from "vitest";
import { matmulTuning } from "./kernels/matmul.js";
import { chooseSplitK, sliceLength } from "./kernels/split-k.js";
import { hasAdapter, randomValues, sharedBackend } from "./test-device.js";

const GiB = 2 ** 30;

describe("split-K shape rule", () => {
  it("splits single products whose reduction dwarfs a small output, into enough slices to fill the GPU", () => {
    // The LM head's input gradient g·W: [4096, 50257]·[50257, 768], 32 × 12 tiles of 128×64.
    expect(chooseSplitK(4096, 768, 50257, 1, 384, 4 * GiB)).toBe(3);
    // A Linear's weight gradient gᵀ·x over 4096 tokens: 768×768, 6 × 12 tiles; slices ≥ 512 long: at most 8.
    expect(chooseSplitK(768, 768, 4096, 1, 72, 4 * GiB)).toBe(8);
    expect(chooseSplitK(37, 21, 2053, 1, 1, 4 * GiB)).toBe(4);
  });
  it("leaves square, batched, short-K and already wide products alone, and caps the scratch", () => {
    expect(chooseSplitK(2048, 2048, 2048, 1, 256, 4 * GiB)).toBe(1); // K < 4·max(M, N)
    expect(chooseSplitK(64, 64, 8192, 2, 2, 4 * GiB)).toBe(1); // batched
    expect(chooseSplitK(64, 64, 2000, 1, 1, 4 * GiB)).toBe(1); // K < 2048
    expect(chooseSplitK(768, 768, 1 << 20, 1, 1056, 4 * GiB)).toBe(1); // enough tiles already
    expect(chooseSplitK(768, 768, 4096, 1, 72, 3 * 768 * 768 * 4)).toBe(3); // 3 partial products fit
  });
  it("slices are multiples of the 16-long k-step covering K", () => {
    expect(sliceLength(2053, 4)).toBe(528);
    expect(sliceLength(4096, 8)).toBe(512);
    expect(Math.ceil(2053 / sliceLength(2053, 4))).toBe(4);
  });
});

/** The product on the cpu backend and on webgpu, the relative ‖·‖∞ error and the GEMM labels webgpu ran. */
async function compare(gpu: Backend & { profiler: { enabled: boolean; reset(): void; report(): Promise<{ rows: readonly { label: string }[] }> } }, m: number, n: number, k: number, transA: boolean, transB: boolean) {
  const [ha, hb] = [randomValues(m * k, m + k), randomValues(k * n, n + 3)];
  const run = (backend: Backend) => matmul(tensor(ha, { shape: transA ? [k, m] : [m, k], backend }), tensor(hb, { shape: transB ? [n, k] : [k, n], backend }), { transA, transB });
  const want = Array.from(await run(createCpuBackend()).data());
  gpu.profiler.enabled = true;
  gpu.profiler.reset();
  try {
    const got = run(gpu);
    const values = Array.from(await got.data());
    got.dispose();
    const labels = (await gpu.profiler.report()).rows.map((r) => r.label).filter((l) => l.startsWith("MatMul"));
    return { error: relativeError(values, want), labels };
  } finally {
    gpu.profiler.enabled = false;
    gpu.profiler.reset();
  }
}

describe.runIf(await hasAdapter())("webgpu split-K GEMM against the cpu backend", () => {
  it("odd sizes, every transpose: the rule's 4 slices run and agree at 1e-5 relative ‖·‖∞", async () => {
    const gpu = await sharedBackend();
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const { error, labels } = await compare(gpu, 37, 21, 2053, transA, transB);
        expect(labels, `transA ${transA} transB ${transB}`).toEqual([`MatMul 37×21×2053${transA ? " Aᵀ" : ""}${transB ? " Bᵀ" : ""} tile 128×64 split-K 4`]);
        expect(error, `transA ${transA} transB ${transB}`).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  it("vec4-aligned operands with 8 slices, and a forced split of a product the rule leaves whole", async () => {
    const gpu = await sharedBackend();
    const aligned = await compare(gpu, 64, 68, 4096, false, true);
    expect(aligned.labels).toEqual(["MatMul 64×68×4096 Bᵀ tile 128×64 split-K 8"]);
    expect(aligned.error).toBeLessThanOrEqual(1e-5);
    matmulTuning.splitK = 3;
    try {
      const forced = await compare(gpu, 130, 70, 100, true, false);
      expect(forced.labels).toEqual(["MatMul 130×70×100 Aᵀ tile 128×64 split-K 3"]);
      expect(forced.error).toBeLessThanOrEqual(1e-5);
    } finally {
      delete matmulTuning.splitK;
    }
    const whole = await compare(gpu, 130, 70, 100, true, false);
    expect(whole.labels).toEqual(["MatMul 130×70×100 Aᵀ tile 128×64"]);
  });
});
