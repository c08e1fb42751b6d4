import { add, matmul, tensor, tidy } from "@adaptive-sparse/core";
import { afterAll, describe, expect, it } from "vitest";
import { createWebGpuBackend, type WebGpuBackend } from "./backend.js";
import { byOp, formatProfile, rowsOf } from "./profiler.js";
import { hasAdapter, randomValues } from "./test-device.js";

describe.runIf(await hasAdapter())("webgpu profiling and host counters", () => {
  let backend: WebGpuBackend | null = null;
  afterAll(() => backend?.dispose());

  it("times each kernel label with timestamp queries and counts dispatches exactly", async () => {
    backend = await createWebGpuBackend({ profile: true });
    const gpu = backend;
    expect(gpu.profiler.enabled).toBe(true);
    const a = tensor(randomValues(64 * 64, 1), { shape: [64, 64], backend: gpu });
    const b = tensor(randomValues(64 * 64, 2), { shape: [64, 64], backend: gpu });
    gpu.profiler.reset();
    const out = tidy(() => {
      let c = matmul(a, b);
      for (let i = 0; i < 2; i++) c = add(matmul(c, b), a);
      return c;
    });
    await out.data();
    const shapes = await gpu.profiler.report();
    // GEMMs are labelled with their shape; byOp merges labels by op.
    expect(rowsOf(shapes, "MatMul").rows.map((r) => [r.label, r.dispatches])).toEqual([["MatMul 64×64×64 tile 128×64", 3]]);
    const report = byOp(shapes);
    const row = (label: string) => report.rows.find((r) => r.label === label);
    expect(row("MatMul")?.dispatches).toBe(3);
    expect(row("Add")?.dispatches).toBe(2);
    expect(report.timestamps).toBe(gpu.device.features.has("timestamp-query"));
    if (report.timestamps) {
      expect(row("MatMul")!.gpuMs).toBeGreaterThan(0);
      expect(report.gpuMs).toBeCloseTo(report.rows.reduce((t, r) => t + r.gpuMs!, 0), 9);
    } else console.log("profiler test: this adapter has no timestamp-query, so only dispatch counts are checked");
    expect(report.recordMs).toBeGreaterThan(0);
    const table = formatProfile(report, 1);
    expect(table.split("\n")).toHaveLength(4); // header, rule, the top row, the total
    expect(table).toContain("| all (2 labels) | 5 |");

    // Disabled: nothing more is counted, and dispatches share a pass again.
    gpu.profiler.enabled = false;
    tidy(() => matmul(a, b)).dispose();
    await gpu.flush();
    expect(byOp(await gpu.profiler.report()).rows.find((r) => r.label === "MatMul")?.dispatches).toBe(3);
    for (const t of [a, b, out]) t.dispose();
  });

  it("counts tensor bytes each way, pool hits and fresh buffers", async () => {
    const gpu = backend ?? (await createWebGpuBackend());
    const before = gpu.stats();
    const x = tensor(new Float32Array(1000).fill(2), { shape: [1000], backend: gpu }); // 4000 bytes up
    const mask = tensor(new Uint8Array(10).fill(1), { shape: [10], dtype: "u8", backend: gpu }); // 10 bytes up (stored as words)
    await x.data(); // 4000 bytes down
    await mask.data(); // 10 bytes down (as the u8 array returned)
    const after = gpu.stats();
    expect(after.hostToDeviceBytes - before.hostToDeviceBytes).toBe(4010);
    expect(after.deviceToHostBytes - before.deviceToHostBytes).toBe(4010);
    expect(after.poolHits + after.buffersCreated - before.poolHits - before.buffersCreated).toBe(2);
    expect(after.mapWaitMs).toBeGreaterThan(before.mapWaitMs);
    x.dispose();
    mask.dispose();
  });

  it("rejects a profile option that is not a boolean", async () => {
    await expect(createWebGpuBackend({ profile: "yes" as unknown as boolean })).rejects.toThrow('createWebGpuBackend: profile must be true or false, got "yes"');
  });
});
