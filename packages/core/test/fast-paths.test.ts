import { describe, expect, it } from "vitest";
import { Generator, abs, cast, createCpuBackend, rand, randn, sum, tensor } from "../src/index.js";

// The cpu kernels' fast paths give what the element-by-element definitions gave, bit for bit.
describe("cpu fast paths", () => {
  const backend = createCpuBackend();
  const fusedless = createCpuBackend({ fused: false });
  const edge = [0, -0, 0.5, -0.5, 1.9999, -1.9999, 255.7, 256, -1, -129.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 40 + 3, NaN, Infinity, -Infinity];

  it("Cast converts like the typed array's element assignment: truncation toward zero, wrapping, NaN and ±Infinity to 0", () => {
    for (const dtype of ["i32", "u8", "f32", "f64"] as const) {
      const expected = new (dtype === "i32" ? Int32Array : dtype === "u8" ? Uint8Array : dtype === "f32" ? Float32Array : Float64Array)(edge.length);
      edge.forEach((v, i) => (expected[i] = Number.isFinite(v) ? Math.trunc(v) : v));
      if (dtype === "f32" || dtype === "f64") edge.forEach((v, i) => (expected[i] = v));
      const x = tensor(edge, { backend, dtype: "f64" });
      expect(Array.from(cast(x, dtype).dataSync()), dtype).toEqual(Array.from(expected));
    }
    expect(Array.from(cast(tensor(edge, { backend, dtype: "f64" }), "i32").dataSync())).toEqual([0, 0, 0, 0, 1, -1, 255, 256, -1, -129, -(2 ** 31), 2 ** 31 - 1, 3, 0, 0, 0]);
    expect(Array.from(cast(tensor(edge, { backend, dtype: "f64" }), "u8").dataSync())).toEqual([0, 0, 0, 0, 1, 255, 255, 0, 255, 127, 0, 255, 3, 0, 0, 0]);
    expect(Array.from(cast(tensor([0, 1, 200, 255], { backend, dtype: "u8" }), "i32").dataSync())).toEqual([0, 1, 200, 255]);
  });

  it("Abs is one kernel where the backend has it: +0 for -0, NaN kept, the gradient 0 at 0 as in PyTorch", () => {
    const fused = abs(tensor(edge, { backend, dtype: "f64" }));
    const composite = abs(tensor(edge, { backend: fusedless, dtype: "f64" }));
    expect(Array.from(fused.dataSync())).toEqual(edge.map(Math.abs));
    expect(Object.is(fused.dataSync()[1], 0)).toBe(true);
    // The decomposition x · sign(x) gives −0 for −0; every other value is the same.
    expect(Array.from(composite.dataSync()).map((v) => (Object.is(v, -0) ? 0 : v))).toEqual(edge.map(Math.abs));
    for (const b of [backend, fusedless]) {
      const x = tensor([-2, -0, 0, 3], { backend: b, dtype: "f64", requiresGrad: true });
      sum(abs(x)).backward();
      expect(Array.from(x.grad!.dataSync())).toEqual([-1, 0, 0, 1]);
    }
    // Integer tensors take the decomposition (the kernel is for floats).
    expect(Array.from(abs(tensor([-3, 0, 4], { backend, dtype: "i32" })).dataSync())).toEqual([3, 0, 4]);
  });

  it("ReduceSum over whole rows adds in the same order as the general loop", () => {
    let state = 3;
    const data = Array.from({ length: 6 * 1001 }, () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 10 ** ((state >>> 8) % 9));
    const x = tensor(data, { backend, shape: [6, 1001] });
    const rows = sum(x, -1).dataSync();
    for (let r = 0; r < 6; r++) {
      let s = 0;
      for (let k = 0; k < 1001; k++) s += Math.fround(data[r * 1001 + k]!);
      expect(rows[r]).toBe(Math.fround(s));
    }
    let all = 0;
    for (const v of data) all += Math.fround(v);
    expect(sum(x).dataSync()[0]).toBe(Math.fround(all));
  });
});

describe("rand and randn take a seed", () => {
  const backend = createCpuBackend();
  it("as tfjs does: seed s is new Generator(s); distinct seeds give distinct tensors; a seed and a generator together are an error", () => {
    const a = Array.from(randn([5], { backend, seed: 1 }).dataSync());
    expect(a).toEqual(Array.from(randn([5], { backend, generator: new Generator(1) }).dataSync()));
    expect(a).not.toEqual(Array.from(randn([5], { backend, seed: 2 }).dataSync()));
    expect(Array.from(rand([3], { backend, seed: 7 }).dataSync())).toEqual(Array.from(rand([3], { backend, generator: new Generator(7) }).dataSync()));
    expect(() => randn([2], { backend, seed: 1, generator: new Generator(1) })).toThrow("rand/randn: pass a seed or a generator, not both (a generator carries its own seed)");
    expect(() => rand([2], { backend, seed: 0.5 })).toThrow("rand/randn: seed must be an integer, got 0.5");
  });
});
