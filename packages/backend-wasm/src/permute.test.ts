import { createCpuBackend, type BufferInfo, type TypedArray } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { rowOffsets } from "./kernels/permute-kernel.js";
import { seededArray, wasmBackendsForTests } from "./test-helpers.js";

const cpu = createCpuBackend();
type Info = BufferInfo<TypedArray>;
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Permutes `x` through a backend's kernel table into an output pre-filled with a marker (every entry must be written). */
function permute(backend: { kernels: Record<string, unknown> }, x: Float32Array | Int32Array, shape: number[], perm: number[]): Float32Array | Int32Array {
  const outShape = perm.map((axis) => shape[axis]!);
  const dtype = x instanceof Float32Array ? "f32" : "i32";
  const out = x instanceof Float32Array ? new Float32Array(size(outShape)).fill(-7) : new Int32Array(size(outShape)).fill(-7);
  (backend.kernels.Permute as (o: Info, i: Info[], a: { perm: number[] }) => void)({ handle: out, shape: outShape, dtype }, [{ handle: x, shape, dtype }], { perm });
  return out;
}

/** Indices where two arrays differ bit for bit (a plain loop: deep equality is slow at 500K elements). */
function differences(actual: Float32Array | Int32Array, expected: Float32Array | Int32Array): string[] {
  const a = new Int32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Int32Array(expected.buffer, expected.byteOffset, expected.length);
  const found: string[] = [];
  for (let i = 0; i < e.length && found.length < 5; i++) if (a[i] !== e[i]) found.push(`[${i}] ${actual[i]} != ${expected[i]}`);
  return found;
}

// The GPT step's attention permutes both ways, a transpose (strided rows), a 3-axis rotation and a
// NaN with a payload (copied as bits).
const CASES: { shape: number[]; perm: number[] }[] = [
  { shape: [4, 128, 4, 64], perm: [0, 2, 1, 3] },
  { shape: [4, 4, 128, 64], perm: [0, 2, 1, 3] },
  { shape: [300, 257], perm: [1, 0] },
  { shape: [33, 65, 17], perm: [2, 0, 1] },
  { shape: [2, 3, 4, 5, 6, 60], perm: [5, 3, 1, 0, 2, 4] },
];

describe("Permute in WebAssembly on the pool", () => {
  const backends = wasmBackendsForTests();

  for (const { shape, perm } of CASES) {
    it(`[${shape}] by [${perm}] equals the cpu kernel bit for bit (f32 and i32), on 1 thread and on the pool`, () => {
      const x = seededArray(size(shape), 9);
      x[17] = new Float32Array(Int32Array.of(0x7fc01234).buffer)[0]!; // a NaN with a payload
      const expected = permute(cpu, x, shape, perm);
      expect(differences(permute(backends.single, x, shape, perm), expected)).toEqual([]);
      expect(differences(permute(backends.pool, x, shape, perm), expected)).toEqual([]);
      const ints = Int32Array.from(x, (_, i) => i * 3 - 5);
      expect(differences(permute(backends.pool, ints, shape, perm), permute(cpu, ints, shape, perm))).toEqual([]);
    });
  }

  it("computes where each output row starts in the input", () => {
    // x [2, 3, 4] permuted by [1, 0, 2]: out [3, 2, 4]; out rows (i, j) start at x[j, i, 0] = 12 j + 4 i.
    expect(Array.from(rowOffsets([3, 2, 4], [4, 12, 1]))).toEqual([0, 12, 4, 16, 8, 20]);
    expect(Array.from(rowOffsets([5], [1]))).toEqual([0]);
  });

  it("leaves small tensors and other dtypes to the cpu kernel", () => {
    const small = seededArray(24, 2);
    expect(differences(permute(backends.pool, small, [2, 3, 4], [2, 1, 0]), permute(cpu, small, [2, 3, 4], [2, 1, 0]))).toEqual([]);
    const u8 = Uint8Array.from({ length: 40000 }, (_, i) => i & 255);
    const out = new Uint8Array(40000);
    (backends.pool.kernels.Permute as (o: Info, i: Info[], a: { perm: number[] }) => void)({ handle: out, shape: [200, 200], dtype: "u8" }, [{ handle: u8, shape: [200, 200], dtype: "u8" }], { perm: [1, 0] });
    expect([out[1], out[200]]).toEqual([200 & 255, 1]);
  });
});

/** Runs Slice through a backend's kernel table into an output pre-filled with a marker (every entry must be written). */
function sliceWith(backend: { kernels: Record<string, unknown> }, x: Float32Array | Int32Array, shape: number[], begin: number[], box: number[]): Float32Array | Int32Array {
  const dtype = x instanceof Float32Array ? "f32" : "i32";
  const out = x instanceof Float32Array ? new Float32Array(size(box)).fill(-7) : new Int32Array(size(box)).fill(-7);
  (backend.kernels.Slice as (o: Info, i: Info[], a: object) => void)({ handle: out, shape: box, dtype }, [{ handle: x, shape, dtype }], { begin, size: box });
  return out;
}

describe("Slice in WebAssembly on the pool", () => {
  const backends = wasmBackendsForTests();
  // The attention's qkv split (the last axis), a box inside every axis, and a rank-5 box.
  const SLICES: { shape: number[]; begin: number[]; box: number[] }[] = [
    { shape: [16, 128, 768], begin: [0, 0, 256], box: [16, 128, 256] },
    { shape: [8, 300, 70], begin: [3, 17, 5], box: [5, 200, 61] },
    { shape: [4, 5, 6, 7, 300], begin: [1, 0, 2, 3, 0], box: [2, 5, 3, 4, 300] },
  ];

  for (const { shape, begin, box } of SLICES) {
    it(`[${shape}] at [${begin}] of [${box}] equals the cpu kernel bit for bit (f32 and i32), on 1 thread and on the pool`, () => {
      const x = seededArray(size(shape), 5);
      const expected = sliceWith(cpu, x, shape, begin, box);
      for (const backend of [backends.single, backends.pool]) expect(differences(sliceWith(backend, x, shape, begin, box), expected)).toEqual([]);
      const ints = Int32Array.from(x, (_, i) => i - 7);
      expect(differences(sliceWith(backends.pool, ints, shape, begin, box), sliceWith(cpu, ints, shape, begin, box))).toEqual([]);
    });
  }
});
