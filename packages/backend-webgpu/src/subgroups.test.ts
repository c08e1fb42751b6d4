import { causalSoftmax, createCpuBackend, crossEntropy, layerNorm, logSoftmax, mul, softmax, sum, tensor, tidy, type Backend, type Tensor } from "@adaptive-sparse/core";
import { relativeError } from "@adaptive-sparse/conformance";
import { afterAll, describe, expect, it } from "vitest";
import { createWebGpuBackend, type WebGpuBackend } from "./backend.js";
import { findGpu } from "./device.js";
import { toSubgroups } from "./programs/subgroups.js";
import { hasAdapter, randomValues, sharedBackend } from "./test-device.js";
import { COPY_DST, COPY_SRC, MAP_MODE_READ, MAP_READ, STORAGE } from "./usage.js";

describe("subgroup row programs", () => {
  it("switch every workgroup reduction of a body to its subgroup version", () => {
    expect(toSubgroups("m = rowMax(m, lid); s = rowSum(s, lid); let lse = rowLse(base, w, lid); myrowSum(x);")).toBe(
      "m = rowMaxSg(sg, m, lid); s = rowSumSg(sg, s, lid); let lse = rowLseSg(sg, base, w, lid); myrowSum(x);",
    );
  });
});

/** Every row kernel with its gradient on rows of 700 and 5 (wider and narrower than a workgroup), flattened. */
async function rowResults(backend: Backend): Promise<number[][]> {
  const results: number[][] = [];
  for (const [rows, width] of [[6, 700], [4, 5]]) {
    const n = rows * width;
    const grad = (fn: (x: Tensor) => Tensor, seed: number, scale = 4) =>
      tidy(() => {
        const x = tensor(randomValues(n, seed).map((v) => scale * v), { shape: [rows, width], backend, requiresGrad: true });
        const y = fn(x);
        sum(mul(y, tensor(randomValues(y.size, seed + 1), { shape: y.shape, backend }))).backward();
        return [y, x.grad!];
      });
    const targets = tensor(Array.from({ length: rows }, (_, i) => (i * 37) % width), { dtype: "i32", backend });
    const outs = [
      ...grad((x) => softmax(x, -1), 1),
      ...grad((x) => logSoftmax(x, -1), 2),
      ...grad((x) => layerNorm(x, null, null, 1e-5), 3),
      ...grad((x) => crossEntropy(x, targets, { reduction: "none" }), 4, 8),
    ];
    for (const t of outs) results.push(Array.from(await t.data()));
    [...outs, targets].forEach((t) => t.dispose());
  }
  // Attention rows: [1, 2, 300, 300] (T wider than a workgroup).
  const shape = [1, 2, 300, 300];
  const [y, g] = tidy(() => {
    const x = tensor(randomValues(2 * 300 * 300, 7).map((v) => 8 * v), { shape, backend, requiresGrad: true });
    const out = causalSoftmax(x, 0.125);
    sum(mul(out, tensor(randomValues(2 * 300 * 300, 8), { shape, backend }))).backward();
    return [out, x.grad!];
  });
  results.push(Array.from(await y.data()), Array.from(await g.data()));
  [y, g].forEach((t) => t.dispose());
  return results;
}

async function expectAgree(backend: Backend, want: number[][]) {
  const got = await rowResults(backend);
  expect(got.length).toBe(want.length);
  got.forEach((values, k) => expect(relativeError(values, want[k]!), `result ${k}`).toBeLessThanOrEqual(1e-5));
}

describe.runIf(await hasAdapter())("webgpu row kernels with and without subgroups against the cpu backend", () => {
  let fallback: { backend: WebGpuBackend; device: GPUDevice } | null = null;
  afterAll(() => {
    fallback?.backend.dispose();
    fallback?.device.destroy();
  });

  it("the subgroup path (where the adapter offers `subgroups`; lavapipe does) agrees at 1e-5, and its subgroups are consecutive lanes", async () => {
    const gpu = await sharedBackend();
    const adapter = (await (await findGpu()).requestAdapter())!;
    expect(gpu.device.features.has("subgroups")).toBe(adapter.features.has("subgroups"));
    if (!gpu.device.features.has("subgroups")) {
      console.log(`subgroup path not tested: ${gpu.adapter} has no subgroups feature`);
      return;
    }
    // The layout check the row programs make (a workgroup whose subgroups are not consecutive takes the shared path).
    const code = `enable subgroups;
@group(0) @binding(0) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) size: u32) {
  let first = subgroupBroadcast(lid, 0u);
  out[lid] = select(0u, 1u, lane == lid % size && first == lid - lane);
  if (lid == 0u) { out[256] = size; }
}`;
    const device = gpu.device;
    const pipeline = device.createComputePipeline({ layout: "auto", compute: { module: device.createShaderModule({ code }), entryPoint: "main" } });
    const buffer = device.createBuffer({ size: 257 * 4, usage: STORAGE | COPY_SRC });
    const staging = device.createBuffer({ size: 257 * 4, usage: MAP_READ | COPY_DST });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer } }] }));
    pass.dispatchWorkgroups(1);
    pass.end();
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, 257 * 4);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(MAP_MODE_READ);
    const words = Array.from(new Uint32Array(staging.getMappedRange().slice(0)));
    [buffer, staging].forEach((b) => b.destroy());
    console.log(`${gpu.adapter}: subgroup size ${words[256]}, consecutive lanes in ${words.slice(0, 256).filter((w) => w === 1).length}/256 invocations`);
    expect(words.slice(0, 256)).toEqual(new Array(256).fill(1));
    await expectAgree(gpu, await rowResults(createCpuBackend()));
  });

  it("the shared-memory fallback (a device without `subgroups`) agrees at 1e-5", async () => {
    const adapter = (await (await findGpu()).requestAdapter())!;
    const device = await adapter.requestDevice({ requiredLimits: { maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize } });
    expect(device.features.has("subgroups")).toBe(false);
    fallback = { device, backend: await createWebGpuBackend({ device }) };
    await expectAgree(fallback.backend, await rowResults(createCpuBackend()));
  });
});
