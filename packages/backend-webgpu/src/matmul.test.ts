import { createCpuBackend, matmul, tensor, type Backend } from "@adaptive-sparse/core";
import { relativeError } from "@adaptive-sparse/conformance";
import { describe, expect, it } from "vitest";
import { chooseVariant } from "./kernels/matmul.js";
import { hasAdapter, randomValues, sharedBackend } from "./test-device.js";

/** webgpu's product of random operands against the cpu backend's (the oracle), at 1e-5 relative ‖·‖∞. */
async function agree(gpu: Backend, aShape: number[], bShape: number[], transA: boolean, transB: boolean) {
  const data = (shape: number[], seed: number) => randomValues(shape.reduce((p, d) => p * d, 1), seed);
  const [ha, hb] = [data(aShape, aShape.length + 1), data(bShape, 7)];
  const run = (backend: Backend) => matmul(tensor(ha, { shape: aShape, backend }), tensor(hb, { shape: bShape, backend }), { transA, transB });
  const [want, got] = [run(createCpuBackend()), run(gpu)];
  const error = relativeError(Array.from(await got.data()), Array.from(await want.data()));
  got.dispose();
  expect(error, `${aShape}·${bShape} transA ${transA} transB ${transB}`).toBeLessThanOrEqual(1e-5);
}

describe("GEMM variant choice", () => {
  const strides = { a: [], b: [] };
  it("takes 128-wide tiles only when there are enough of them and the shared memory fits", () => {
    expect(chooseVariant(4096, 3072, 768, 1, false, true, strides, 49152).tileN).toBe(128);
    expect(chooseVariant(4096, 768, 768, 1, false, true, strides, 49152).tileN).toBe(64); // 192 wide tiles: too few
    expect(chooseVariant(4096, 3072, 768, 1, false, true, strides, 16384).tileN).toBe(64); // 16.5 KiB does not fit
    expect(chooseVariant(1024, 64, 1024, 48, false, false, strides, 49152).tileN).toBe(64); // attention·V: N = 64
  });
  it("uses vec4 access only where the contiguous axis and batch strides are multiples of 4", () => {
    // The LM head's weight gradient: gᵀ·x with g [4096, 50257] (transA, contiguous along 50257).
    expect(chooseVariant(50257, 768, 4096, 1, true, false, strides, 49152)).toMatchObject({ vecA: false, vecB: true, vecC: true });
    expect(chooseVariant(4096, 50257, 768, 1, false, true, strides, 49152)).toMatchObject({ vecA: true, vecB: true, vecC: false });
    expect(chooseVariant(8, 8, 8, 2, false, false, { a: [64, 6], b: [64] }, 49152)).toMatchObject({ vecA: false, vecB: true });
  });
});

describe.runIf(await hasAdapter())("webgpu GEMM against the cpu backend", () => {
  it("128×64 tiles: every transpose, edge tiles in M, N and K, vec4 and scalar loads", async () => {
    const gpu = await sharedBackend();
    for (const [m, n, k] of [[130, 70, 37], [128, 64, 32], [4, 68, 20], [257, 132, 48]]) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) await agree(gpu, transA ? [k, m] : [m, k], transB ? [n, k] : [k, n], transA, transB);
      }
    }
  });

  it("128×128 tiles (132 batches of two column tiles make enough of them): every transpose, odd and aligned sizes, broadcast batches", async () => {
    const gpu = await sharedBackend();
    expect(chooseVariant(70, 130, 20, 132, false, false, { a: [], b: [] }, gpu.device.limits.maxComputeWorkgroupStorageSize).tileN).toBe(128);
    for (const [m, n, k] of [[70, 130, 20], [68, 132, 16]]) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) await agree(gpu, transA ? [132, k, m] : [132, m, k], transB ? [n, k] : [k, n], transA, transB);
      }
    }
  });
});
