import { createCpuBackend, tensor, writeSlice, zeros } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { seededArray, wasmBackendsForTests } from "./test-helpers.js";

/** Bit-for-bit equality of two typed arrays (a deep toEqual takes seconds at a million elements). */
const sameBits = (a: ArrayBufferView, b: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

// A KV cache's appends: WriteSlice (the cpu kernel's typed-array copy, on buffers in wasm memory) gives what
// the cpu backend gives, and leaves the rest of the buffer as it was.
describe("writeSlice on the wasm backend", () => {
  const cpu = createCpuBackend();
  const backends = wasmBackendsForTests();

  it("GPT-2-sized cache buffers [1, 12, 128, 64]: a prompt, then single positions, then a whole regrown buffer", () => {
    for (const backend of [backends.single, backends.pool]) {
      const shape = [1, 12, 128, 64];
      const writes: [number[], number, number][] = [[[1, 12, 32, 64], 0, 1], [[1, 12, 1, 64], 32, 2], [[1, 12, 1, 64], 127, 3]];
      const run = (b: typeof cpu) => {
        const target = zeros(shape, { backend: b });
        for (const [sourceShape, start, seed] of writes) {
          writeSlice(target, tensor(seededArray(sourceShape.reduce((n, d) => n * d, 1), seed), { shape: sourceShape, backend: b }), 2, start);
        }
        const grown = zeros([1, 12, 256, 64], { backend: b });
        writeSlice(grown, target, 2, 0);
        return [target.dataSync(), grown.dataSync()];
      };
      const [expectedTarget, expectedGrown] = run(cpu);
      const [target, grown] = run(backend as never);
      expect(sameBits(target!, expectedTarget!)).toBe(true);
      expect(sameBits(grown!, expectedGrown!)).toBe(true);
      expect(expectedTarget[33 * 64]).toBe(0); // position 33 of head 0 was never written
    }
  });
});
