import { createCpuBackend, tensor, writeSlice, zeros, type Backend } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { hasAdapter, sharedBackend } from "./test-device.js";

// A KV cache's appends on the device: WriteSlice scatters the source into the target in place, as the cpu kernel does.
describe.runIf(await hasAdapter())("webgpu WriteSlice against the cpu backend", () => {
  it("a prompt, single positions and a regrown buffer of a [1, 12, 128, 64] cache; i32 rows; nothing uploaded but the sources", async () => {
    const gpu = await sharedBackend();
    expect(typeof gpu.kernels.WriteSlice).toBe("function");
    const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i));
    const run = async (backend: Backend) => {
      const target = zeros([1, 12, 128, 64], { backend }); // on the device: never written, cleared when first bound
      for (const [positions, start, seed] of [[32, 0, 1], [1, 32, 2], [1, 127, 3]] as const) {
        writeSlice(target, tensor(values(12 * positions * 64, seed), { shape: [1, 12, positions, 64], backend }), 2, start);
      }
      const grown = zeros([1, 12, 256, 64], { backend });
      writeSlice(grown, target, 2, 0);
      const ints = tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3], dtype: "i32", backend });
      writeSlice(ints, tensor([-7, -8], { shape: [2, 1], dtype: "i32", backend }), 1, 2);
      return [await target.data(), await grown.data(), await ints.data()];
    };
    const [want, got] = [await run(createCpuBackend()), await run(gpu)];
    const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < want.length; i++) expect(bytes(got[i]!).equals(bytes(want[i]!)), `result ${i}`).toBe(true);
    expect(Array.from(got[2]!)).toEqual([1, 2, -7, 4, 5, -8]);
  });
});
