import { createCpuBackend, type BufferInfo, type DType, type TypedArray } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { wasmBackendsForTests } from "./test-helpers.js";

// The kernels an AST refresh runs on every sparse layer: |W| (Abs), the N:4 selection (GroupTopK) and the
// mask comparisons of the flip counts (CmpEq, and CmpLt/CmpLe for sign and clamp), each against the cpu
// kernel, element for element, on one thread and on the pool.
const cpu = createCpuBackend();
type Backend = { kernels: Record<string, unknown> };
type Operand = [TypedArray, number[], DType];

function run(backend: Backend, op: string, inputs: Operand[], outShape: number[], outDtype: DType, attrs: unknown = {}): TypedArray {
  const size = outShape.reduce((a, b) => a * b, 1);
  const out = outDtype === "u8" ? new Uint8Array(size).fill(7) : new Float32Array(size).fill(-7);
  const kernel = backend.kernels[op] as (o: BufferInfo<TypedArray>, i: BufferInfo<TypedArray>[], a: unknown) => void;
  kernel({ handle: out, shape: outShape, dtype: outDtype }, inputs.map(([handle, shape, dtype]) => ({ handle, shape, dtype })), attrs);
  return out;
}

/** The first few indices where two arrays differ (Object.is: -0 and +0 differ, NaNs match). */
function differences(actual: TypedArray, expected: TypedArray): string[] {
  const found: string[] = [];
  for (let i = 0; i < expected.length && found.length < 5; i++) if (!Object.is(actual[i], expected[i])) found.push(`[${i}] ${actual[i]} != ${expected[i]}`);
  return found;
}

/** Seeded values drawn from `choices` (ties and special values on purpose). */
function drawn(n: number, seed: number, choices: readonly number[]): number[] {
  let state = seed;
  return Array.from({ length: n }, () => choices[((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) >>> 8) % choices.length]!);
}

const SPECIAL = [-2, -1, -0, 0, 0.5, 1, 1, 2, Infinity, -Infinity, 3.25, -3.25];

describe("mask kernels in WebAssembly", () => {
  const backends = wasmBackendsForTests();
  const both = () => [backends.single, backends.pool];

  it("Neg: -x bit for bit (-0 for 0, ±Infinity swapped, NaN kept), a tail of 3", () => {
    const x = Float32Array.from(drawn(40003, 9, [...SPECIAL, NaN]));
    const expected = run(cpu, "Neg", [[x, [40003], "f32"]], [40003], "f32");
    for (const backend of both()) expect(differences(run(backend, "Neg", [[x, [40003], "f32"]], [40003], "f32"), expected)).toEqual([]);
  });

  it("Abs: |x| with +0 for -0 and NaN kept, a tail of 3", () => {
    const x = Float32Array.from(drawn(40003, 1, [...SPECIAL, NaN]));
    const expected = Float32Array.from(x, Math.abs);
    for (const backend of both()) expect(differences(run(backend, "Abs", [[x, [40003], "f32"]], [40003], "f32"), expected)).toEqual([]);
  });

  for (const n of [0, 1, 2, 3, 4]) {
    it(`GroupTopK ${n}:4 over scores full of ties (-0 and 0, ±Infinity), an odd group count: the cpu kernel's masks`, () => {
      const shape = [51, 804]; // 10,251 groups: not a multiple of the 4 groups a SIMD step takes
      const scores = Float32Array.from(drawn(51 * 804, 10 + n, SPECIAL));
      const expected = run(cpu, "GroupTopK", [[scores, shape, "f32"]], shape, "u8", { n, m: 4 });
      for (const backend of both()) expect(differences(run(backend, "GroupTopK", [[scores, shape, "f32"]], shape, "u8", { n, m: 4 }), expected)).toEqual([]);
    });
  }

  it("GroupTopK rejects a NaN score as the cpu kernel does, naming the first one's row and column", () => {
    const shape = [64, 1024];
    const scores = Float32Array.from(drawn(64 * 1024, 3, SPECIAL));
    scores[50 * 1024 + 517] = NaN;
    scores[60 * 1024 + 3] = NaN;
    const call = (backend: Backend) => () => run(backend, "GroupTopK", [[scores, shape, "f32"]], shape, "u8", { n: 2, m: 4 });
    expect(call(cpu)).toThrow("GroupTopK: score at row 50, column 517 is NaN; masks need finite scores");
    for (const backend of both()) expect(call(backend)).toThrow("GroupTopK: score at row 50, column 517 is NaN; masks need finite scores");
  });

  it("GroupTopK with groups of 8 goes to the cpu kernel, with its masks", () => {
    const scores = Float32Array.from(drawn(64 * 1024, 4, SPECIAL));
    const expected = run(cpu, "GroupTopK", [[scores, [64, 1024], "f32"]], [64, 1024], "u8", { n: 4, m: 8 });
    expect(differences(run(backends.pool, "GroupTopK", [[scores, [64, 1024], "f32"]], [64, 1024], "u8", { n: 4, m: 8 }), expected)).toEqual([]);
  });

  for (const op of ["CmpLt", "CmpLe", "CmpEq"]) {
    it(`${op} on f32 (NaN, -0 and 0, ±Infinity) and u8, same shapes and one value on either side: the cpu kernel's masks`, () => {
      const size = 40003;
      const f = Float32Array.from(drawn(size, 5, [...SPECIAL, NaN]));
      const g = Float32Array.from(drawn(size, 6, [...SPECIAL, NaN]));
      const u = Uint8Array.from(drawn(size, 7, [0, 1, 2, 127, 128, 255]));
      const v = Uint8Array.from(drawn(size, 8, [0, 1, 2, 127, 128, 255]));
      const cases: [string, Operand, Operand][] = [
        ["f32 same", [f, [size], "f32"], [g, [size], "f32"]],
        ["f32 value on the right", [f, [size], "f32"], [Float32Array.of(1), [], "f32"]],
        ["f32 -0 on the right", [f, [size], "f32"], [Float32Array.of(-0), [1], "f32"]],
        ["f32 value on the left", [Float32Array.of(0.5), [1], "f32"], [f, [size], "f32"]],
        ["f32 NaN on the left", [Float32Array.of(NaN), [], "f32"], [f, [size], "f32"]],
        ["u8 same", [u, [size], "u8"], [v, [size], "u8"]],
        ["u8 value on the right", [u, [size], "u8"], [Uint8Array.of(128), [], "u8"]],
        ["u8 value on the left", [Uint8Array.of(1), [], "u8"], [u, [size], "u8"]],
      ];
      for (const [name, a, b] of cases) {
        const expected = run(cpu, op, [a, b], [size], "u8");
        for (const backend of both()) expect(differences(run(backend, op, [a, b], [size], "u8"), expected), name).toEqual([]);
      }
    });
  }
});
