import { createCpuBackend, full, type Backend, type DType } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { fillWord } from "./kernels/fill.js";
import { hasAdapter, sharedBackend } from "./test-device.js";

describe("Fill's stored word", () => {
  it("rounds and wraps as a typed-array store does", () => {
    expect(fillWord(1, "f32")).toBe(0x3f800000);
    expect(fillWord(-0, "f32")).toBe(0x80000000); // not a clear: -0 keeps its sign bit
    expect(fillWord(-1, "i32")).toBe(0xffffffff);
    expect(fillWord(2.7, "i32")).toBe(2);
    expect(fillWord(300, "u8")).toBe(44);
    expect(fillWord(0, "u8")).toBe(0);
  });
});

describe.runIf(await hasAdapter())("webgpu Fill against the cpu backend", () => {
  it("fills every dtype on the device (no upload), including wrapped, rounded and special values", async () => {
    const gpu = await sharedBackend();
    const cases: [number, DType][] = [[1.5, "f32"], [-0, "f32"], [1e40, "f32"], [NaN, "f32"], [-7.9, "i32"], [2 ** 33 + 5, "i32"], [300, "u8"], [1, "u8"], [0, "i32"]];
    for (const [value, dtype] of cases) {
      const make = (backend: Backend) => full([3, 70000], value, { dtype, backend }); // past one grid row of workgroups
      const before = gpu.stats().hostToDeviceBytes;
      const [want, got] = [make(createCpuBackend()), make(gpu)];
      expect(gpu.stats().hostToDeviceBytes).toBe(before);
      const [w, g] = [await want.data(), await got.data()];
      expect(Array.from(g), `${value} ${dtype}`).toEqual(Array.from(w));
      expect(Object.is(g[5], w[5])).toBe(true); // -0 stays -0
      got.dispose();
    }
  });
});
