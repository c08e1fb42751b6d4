import { createCpuBackend, type BufferInfo, type Kernel, type TypedArray } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { WasmMemoryError } from "../errors.js";
import { withCpuFallback } from "./memory-fallback.js";

const info = (handle: Float32Array, shape: number[]): BufferInfo<TypedArray> => ({ handle, shape, dtype: "f32" });

describe("withCpuFallback", () => {
  const cpu = createCpuBackend().kernels;

  it("runs the cpu kernel when the wasm one cannot get its memory, and passes every other error on", () => {
    const full: Kernel<unknown, TypedArray> = () => {
      throw new WasmMemoryError("wasm backend: needs 2100 MiB of WebAssembly memory, over the 2048 MiB a wasm32 module can address");
    };
    const broken: Kernel<unknown, TypedArray> = () => {
      throw new RangeError("a bug");
    };
    const table = withCpuFallback({ Gelu: full as never, Softmax: broken as never }, cpu);
    const x = Float32Array.of(-1, 0, 0.5, 2);
    const out = new Float32Array(4);
    (table.Gelu as Kernel<unknown, TypedArray>)(info(out, [4]), [info(x, [4])], {});
    const expected = new Float32Array(4);
    (cpu.Gelu as Kernel<unknown, TypedArray>)(info(expected, [4]), [info(x, [4])], {});
    expect(Array.from(out)).toEqual(Array.from(expected));
    expect(out[3]).toBeCloseTo(1.9546, 4); // gelu(2), tanh form
    expect(() => (table.Softmax as Kernel<unknown, TypedArray>)(info(out, [4]), [info(x, [4])], {})).toThrow(RangeError);
  });
});
