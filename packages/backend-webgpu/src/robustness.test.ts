import { createCpuBackend, crossEntropy, matmul, tensor, tidy, type Backend } from "@adaptive-sparse/core";
import { relativeError } from "@adaptive-sparse/conformance";
import { afterAll, describe, expect, it } from "vitest";
import { createWebGpuBackend, type WebGpuBackend } from "./backend.js";
import { dawnToggles } from "./device.js";
import { hasAdapter, randomValues } from "./test-device.js";

describe("Dawn toggles", () => {
  it("are none by default, and name exactly what profiling and robustness: false change", () => {
    expect(dawnToggles({})).toEqual([]);
    expect(dawnToggles({ profile: true })).toEqual(["enable-dawn-features=allow_unsafe_apis", "disable-dawn-features=timestamp_quantization"]);
    expect(dawnToggles({ robustness: false })).toEqual(["enable-dawn-features=allow_unsafe_apis,disable_robustness,disable_workgroup_init"]);
    expect(dawnToggles({ profile: true, robustness: false })).toEqual([
      "enable-dawn-features=allow_unsafe_apis,disable_robustness,disable_workgroup_init",
      "disable-dawn-features=timestamp_quantization",
    ]);
  });
});

describe.runIf(await hasAdapter())("webgpu without Dawn's robustness transform", () => {
  let gpu: WebGpuBackend | null = null;
  afterAll(() => gpu?.dispose());

  it("computes the same GEMM edge tiles and cross-entropy rows as the cpu backend", async () => {
    gpu = await createWebGpuBackend({ robustness: false });
    const run = (backend: Backend) =>
      tidy(() => {
        const x = tensor(randomValues(130 * 37, 1), { shape: [130, 37], backend });
        const w = tensor(randomValues(70 * 37, 2), { shape: [70, 37], backend });
        return crossEntropy(matmul(x, w, { transB: true }), tensor(Array.from({ length: 130 }, (_, i) => (i * 13) % 70), { dtype: "i32", backend }), { reduction: "none" });
      });
    const [want, got] = [run(createCpuBackend()), run(gpu)];
    expect(relativeError(Array.from(await got.data()), Array.from(await want.data()))).toBeLessThanOrEqual(1e-5);
    got.dispose();
  });

  it("rejects a robustness option that is not a boolean", async () => {
    await expect(createWebGpuBackend({ robustness: 0 as unknown as boolean })).rejects.toThrow("createWebGpuBackend: robustness must be true or false, got 0");
  });
});
