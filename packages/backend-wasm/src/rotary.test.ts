import { createCpuBackend, rotary, sum, tensor, tidy, mul, type Backend } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { rotaryReference } from "./kernels/rotary-kernel.js";
import { seededArray, wasmBackendsForTests } from "./test-helpers.js";

const cpu = createCpuBackend(); // no Rotary kernel: the composite (narrow, rotateHalf, two products, a sum)

/** Hugging Face's tables [positions, D]: angle p·f_j in columns j and j + D/2. */
function tables(positions: number, D: number): { cos: Float32Array; sin: Float32Array } {
  const [cos, sin] = [new Float32Array(positions * D), new Float32Array(positions * D)];
  for (let p = 0; p < positions; p++) {
    for (let j = 0; j < D / 2; j++) {
      const angle = p / 10000 ** ((2 * j) / D);
      for (const column of [j, j + D / 2]) [cos[p * D + column], sin[p * D + column]] = [Math.cos(angle), Math.sin(angle)];
    }
  }
  return { cos, sin };
}

/** rotary(x) at `start` and the gradient of Σ rotary(x)·w, on one backend. */
function run(backend: Backend, shape: number[], start: number, positions: number) {
  const D = shape.at(-1)!;
  const size = shape.reduce((a, b) => a * b, 1);
  const { cos, sin } = tables(positions, D);
  return tidy(() => {
    const x = tensor(seededArray(size, 3).map((v) => 4 * v), { shape, backend }).requireGrad();
    const w = tensor(seededArray(size, 4), { shape, backend });
    const [c, s] = [tensor(cos, { shape: [positions, D], backend }), tensor(sin, { shape: [positions, D], backend })];
    const y = rotary(x, c, s, start);
    sum(mul(y, w)).backward();
    return { y: y.dataSync(), dx: x.grad!.dataSync() };
  });
}

describe("Rotary in WebAssembly on the pool", () => {
  const backends = wasmBackendsForTests();

  // A decode step (T = 1 after 9 cached positions), a LLaMA GQA query [B, nKv, group, T, hd] split over the
  // pool's pieces mid-sequence, and D/2 = 6 or 3 (SIMD tails).
  for (const [shape, start, positions] of [
    [[1, 4, 1, 64], 9, 16],
    [[2, 2, 3, 33, 64], 0, 40],
    [[3, 5, 12], 2, 8],
    [[2, 7, 6], 1, 8],
  ] as [number[], number, number][]) {
    it(`[${shape}] at position ${start}: the same bits as the composite, and its gradient (the inverse rotation) within 1e-6`, () => {
      const want = run(cpu, shape, start, positions);
      for (const backend of [backends.single, backends.pool]) {
        const got = run(backend, shape, start, positions);
        expect(Array.from(got.y), `forward, ${backend.threads} thread(s)`).toEqual(Array.from(want.y));
        let worst = 0;
        for (let i = 0; i < want.dx.length; i++) worst = Math.max(worst, Math.abs(got.dx[i]! - want.dx[i]!));
        expect(worst, `gradient, ${backend.threads} thread(s)`).toBeLessThan(1e-6);
      }
    });
  }

  it("the reference loops (f64) rotate back what they rotated: inverse after forward gives x", () => {
    const [shape, D, positions] = [[2, 3, 8], 8, 6];
    const { cos, sin } = tables(positions, D);
    const x = Float64Array.from(seededArray(48, 9));
    const info = (handle: Float64Array, s: number[]) => ({ handle, shape: s, dtype: "f64" as const });
    const [c, s] = [info(Float64Array.from(cos), [positions, D]), info(Float64Array.from(sin), [positions, D])];
    const [y, back] = [new Float64Array(48), new Float64Array(48)];
    rotaryReference(info(y, shape), [info(x, shape), c, s], { start: 2, inverse: false });
    rotaryReference(info(back, shape), [info(y, shape), c, s], { start: 2, inverse: true });
    for (let i = 0; i < 48; i++) expect(back[i]).toBeCloseTo(x[i]!, 6); // cos² + sin² = 1 up to f32 tables
    expect(y[0]).not.toBeCloseTo(x[0]!, 3); // it did rotate (row 0 sits at position 2)
  });

  it("names the shapes when the tables are too short or the head dimension is odd", () => {
    const backend = backends.single;
    const x = tensor(new Float32Array(2 * 8), { shape: [2, 8], backend });
    const table = tensor(new Float32Array(3 * 8), { shape: [3, 8], backend });
    expect(() => rotary(x, table, table, 2)).toThrow("rotary: positions 2..3 need at least 4 table rows in cos and sin; they have 3 and 3");
    const odd = tensor(new Float32Array(2 * 7), { shape: [2, 7], backend });
    expect(() => rotary(odd, table, table)).toThrow("rotary: x must be [..., T, D] with D even (D/2 pairs of features rotate), got [2, 7]");
    expect(() => rotary(x, tensor(new Float32Array(12), { shape: [3, 4], backend }), table)).toThrow("rotary: cos must be f32 [positions, 8] for x [2, 8], got f32 [3, 4]");
  });
});
