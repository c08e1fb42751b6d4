import { ConfigError, createCpuBackend, matmul, tensor, type Backend } from "@adaptive-sparse/core";
import { relativeError } from "@adaptive-sparse/conformance";
import { afterAll, describe, expect, it } from "vitest";
import { createWebGpuBackend, type WebGpuBackend } from "./backend.js";
import { findGpu } from "./device.js";
import { matmulTuning } from "./kernels/matmul.js";
import { layoutEntries } from "./pipeline-cache.js";
import { matmulProgram } from "./programs/matmul.js";
import { hasAdapter, randomValues, sharedBackend } from "./test-device.js";

/** Rounds to the nearest f16 value, ties to even (Node 20 has no Math.f16round); subnormals included. */
function f16round(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const ulp = 2 ** (Math.max(Math.floor(Math.log2(Math.abs(x))), -14) - 10);
  const q = x / ulp;
  const r = Math.abs(q - Math.trunc(q)) === 0.5 ? 2 * Math.round(q / 2) : Math.round(q);
  return r * ulp;
}

async function product(backend: Backend, a: number[], b: number[], [m, n, k]: number[], transA: boolean, transB: boolean): Promise<number[]> {
  const out = matmul(tensor(a, { shape: transA ? [k, m] : [m, k], backend }), tensor(b, { shape: transB ? [n, k] : [k, n], backend }), { transA, transB });
  const values = Array.from(await out.data());
  out.dispose();
  return values;
}

describe("precision option", () => {
  it("f32 and f16 only, the error naming the option and its values", async () => {
    await expect(createWebGpuBackend({ precision: "bf16" } as never)).rejects.toThrow(ConfigError);
    await expect(createWebGpuBackend({ precision: "bf16" } as never)).rejects.toThrow('createWebGpuBackend: precision must be "f32" (default) or "f16", got "bf16"');
  });
  it("rounds to f16 like IEEE binary16 (the test's oracle)", () => {
    expect([1 / 3, 65504, 2 ** -24, 3 * 2 ** -26, 1 + 2 ** -11, 1 + 3 * 2 ** -11, -0.1].map(f16round)).toEqual([0.333251953125, 65504, 2 ** -24, 2 ** -24, 1, 1 + 2 ** -9, -0.0999755859375]);
  });
});

describe.runIf(await hasAdapter())("webgpu f16 GEMM (lavapipe offers shader-f16)", () => {
  const made: { backend: WebGpuBackend; device?: GPUDevice }[] = [];
  afterAll(() => made.forEach(({ backend, device }) => (backend.dispose(), device?.destroy())));

  it("f16 operands, f32 accumulation: the cpu product of the f16-rounded operands at 1e-5, of the exact ones only at 2e-3; f32 stays the default", async () => {
    const adapter = (await (await findGpu()).requestAdapter())!;
    if (!adapter.features.has("shader-f16")) {
      console.log("f16 GEMM not tested: this adapter has no shader-f16");
      return;
    }
    expect((await sharedBackend()).precision).toBe("f32");
    const gpu = await createWebGpuBackend({ precision: "f16" });
    made.push({ backend: gpu });
    expect(gpu.precision).toBe("f16");
    expect(gpu.device.features.has("shader-f16")).toBe(true);
    const cpu = createCpuBackend();
    // Odd sizes (edge tiles, scalar loads), aligned ones (vec4), each transpose, a split-K product, 128-wide tiles (forced).
    const cases: [number[], boolean, boolean, (64 | 128)?][] = [
      [[130, 70, 37], false, false],
      [[130, 70, 37], true, true],
      [[64, 68, 32], false, true],
      [[64, 68, 32], true, false],
      [[37, 21, 2053], false, false],
      [[130, 132, 20], false, true, 128],
      [[68, 132, 16], true, false, 128],
    ];
    for (const [[m, n, k], transA, transB, tileN] of cases) {
      if (tileN) matmulTuning.tileN = tileN;
      try {
        const [a, b] = [randomValues(m * k, m + 1), randomValues(k * n, n + 2)];
        const got = await product(gpu, a, b, [m, n, k], transA, transB);
        // Operands reach the GPU as f32 and are rounded from there (rounding the doubles directly would differ
        // where the f32 value is an f16 tie).
        const toF16 = (x: number) => f16round(Math.fround(x));
        const rounded = await product(cpu, a.map(toF16), b.map(toF16), [m, n, k], transA, transB);
        const exact = await product(cpu, a, b, [m, n, k], transA, transB);
        const where = `${m}×${n}×${k} transA ${transA} transB ${transB}`;
        expect(relativeError(got, rounded), where).toBeLessThanOrEqual(1e-5);
        const error = relativeError(got, exact);
        expect(error, where).toBeLessThanOrEqual(2e-3);
        expect(error, `${where}: the f16 path ran`).toBeGreaterThan(1e-5);
      } finally {
        delete matmulTuning.tileN;
      }
    }
  }, 60_000);

  it("every f16 GEMM specialisation (both tile widths, transposes, vec4 or not, split-K) compiles", async () => {
    const gpu = made[0]?.backend;
    if (!gpu) return console.log("f16 programs not compiled: no f16 backend (adapter without shader-f16)");
    const failures: string[] = [];
    for (const transA of [false, true]) for (const transB of [false, true]) for (const tileN of [64, 128] as const) for (const vec of [false, true]) for (const splitK of [false, true]) {
      const code = matmulProgram({ transA, transB, tileN, vecA: vec, vecB: vec, vecC: vec, splitK, f16: true });
      gpu.device.pushErrorScope("validation");
      const module = gpu.device.createShaderModule({ code });
      const layout = gpu.device.createPipelineLayout({ bindGroupLayouts: [gpu.device.createBindGroupLayout({ entries: layoutEntries(code) })] });
      gpu.device.createComputePipeline({ layout, compute: { module, entryPoint: "main" } });
      const error = await gpu.device.popErrorScope();
      if (error) failures.push(`transA ${transA} transB ${transB} tile ${tileN} vec4 ${vec} split-K ${splitK}: ${error.message}`);
    }
    expect(failures).toEqual([]);
  });

  it("a device without shader-f16 is refused with the feature's name", async () => {
    const adapter = (await (await findGpu()).requestAdapter())!;
    const device = await adapter.requestDevice();
    const error = await createWebGpuBackend({ device, precision: "f16" }).catch((e: unknown) => e);
    device.destroy();
    expect(String(error)).toContain('precision "f16" needs the WebGPU feature "shader-f16", which the caller\'s device (created without it) does not offer');
  });
});
