import { createCpuBackend, type BufferInfo, type TypedArray } from "@adaptive-sparse/core";
import { relativeError } from "@adaptive-sparse/conformance";
import { describe, expect, it } from "vitest";
import { ROWWISE_OPS, type RowwiseOp } from "./kernels/rowwise-ops.js";
import { enableRelaxedSimd, seededArray, wasmBackendsForTests } from "./test-helpers.js";

await enableRelaxedSimd();

const cpu = createCpuBackend();
const info = (handle: TypedArray, shape: number[]): BufferInfo<TypedArray> => ({ handle, shape, dtype: handle instanceof Float64Array ? "f64" : "f32" });

/** Runs `op` on `inputs` (core's order) with the given backend's kernel; the reference runs in float64. */
function run(backend: { kernels: Record<string, unknown> }, op: RowwiseOp, inputs: Float32Array[], shape: number[], f64 = false): TypedArray {
  const size = inputs[0]!.length;
  const out = f64 ? new Float64Array(size) : new Float32Array(size);
  const ins = inputs.map((input) => info(f64 ? Float64Array.from(input) : input, shape));
  (backend.kernels[op] as (o: BufferInfo<TypedArray>, i: BufferInfo<TypedArray>[], a: unknown) => void)(info(out, shape), ins, { eps: 1e-5 });
  return out;
}

/** Inputs of each op: forward ops read x; gradients read (g, x) or (g, forward output). */
function inputsFor(op: RowwiseOp, size: number, width: number, seed: number): Float32Array[] {
  const x = seededArray(size, seed).map((v) => v * 6);
  const g = seededArray(size, seed + 1);
  if (op === "SoftmaxGrad") return [g, run(cpu, "Softmax", [x], [size / width, width]) as Float32Array];
  if (op === "LogSoftmaxGrad") return [g, run(cpu, "LogSoftmax", [x], [size / width, width]) as Float32Array];
  return op.endsWith("Grad") ? [g, x] : [x];
}

describe("fused row kernels in WebAssembly SIMD", () => {
  const backends = wasmBackendsForTests();

  // Widths: a multiple of 4, odd tails of 1-3, a width below one vector; sizes large enough to split over threads.
  for (const op of Object.keys(ROWWISE_OPS) as RowwiseOp[]) {
    for (const [rows, width] of [[3, 8], [5, 7], [2, 3], [257, 129], [64, 1024]] as const) {
      it(`${op} [${rows}, ${width}] matches the reference within 1e-5 (‖Δ‖∞ / ‖ref‖∞, the conformance measure) on one thread and on the pool`, () => {
        const inputs = inputsFor(op, rows * width, width, rows * 31 + width);
        const expected = run(cpu, op, inputs, [rows, width], true);
        for (const backend of [backends.single, backends.pool]) expect(relativeError(run(backend, op, inputs, [rows, width]), expected)).toBeLessThanOrEqual(1e-5);
      });
    }
  }

  it("GELU and its gradient stay accurate in both tails, where 1 + tanh would cancel", () => {
    const x = Float32Array.from([-40, -12, -9.5, -6, -3, -1e-3, -1e-30, 0, 1e-30, 1e-3, 3, 6, 12, 40]);
    const g = new Float32Array(x.length).fill(1);
    const expected = run(cpu, "Gelu", [x], [x.length], true);
    const actual = run(backends.single, "Gelu", [x], [x.length]);
    // Relative to each value itself (no absolute floor): gelu(-6) ≈ -6e-8 must come out right, not as 0.
    for (let i = 0; i < x.length; i++) if (Math.abs(expected[i]!) > 1e-30) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(1e-5 * Math.abs(expected[i]!));
    const grad = run(backends.single, "GeluGrad", [g, x], [x.length]);
    const expectedGrad = run(cpu, "GeluGrad", [g, x], [x.length], true);
    for (let i = 0; i < x.length; i++) expect(Math.abs(grad[i]! - expectedGrad[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(Math.abs(expectedGrad[i]!), 1e-3));
  });

  it("SiLU and its gradient stay accurate far out on both sides (σ from e^(−x), 0 or 1 where it over- or underflows)", () => {
    const x = Float32Array.from([-100, -80, -40, -20, -9.5, -3, -1e-3, -1e-30, 0, 1e-30, 1e-3, 3, 9.5, 20, 40, 100]);
    const g = Float32Array.from(x, (_, i) => (i % 3) - 1.5);
    for (const backend of [backends.single, backends.pool]) {
      const y = run(backend, "Silu", [x], [x.length]);
      const expected = run(cpu, "Silu", [x], [x.length], true);
      // Relative to each value (silu(-40) ≈ -1.7e-16 must come out right); below 1e-30 f32 has no normal digits left.
      for (let i = 0; i < x.length; i++) if (Math.abs(expected[i]!) > 1e-30) expect(Math.abs(y[i]! - expected[i]!), `silu(${x[i]})`).toBeLessThanOrEqual(1e-5 * Math.abs(expected[i]!));
      expect(y[0]).toBe(-0); // σ(−100): e^100 overflows to ∞
      expect(y[15]).toBe(100);
      const grad = run(backend, "SiluGrad", [g, x], [x.length]);
      const expectedGrad = run(cpu, "SiluGrad", [g, x], [x.length], true);
      for (let i = 0; i < x.length; i++) expect(Math.abs(grad[i]! - expectedGrad[i]!), `silu'(${x[i]})`).toBeLessThanOrEqual(1e-5 * Math.max(Math.abs(expectedGrad[i]!), 1e-3));
    }
  });

  it("softmax keeps NaN and -Infinity semantics: a NaN row stays NaN, masked (-Infinity) entries give exactly 0", () => {
    const x = Float32Array.from([1, Number.NaN, 2, 3, 0, -Infinity, 5, -Infinity]);
    const out = run(backends.single, "Softmax", [x], [2, 4]);
    expect(Array.from(out.slice(0, 4)).every(Number.isNaN)).toBe(true);
    expect(out[5]).toBe(0);
    expect(out[7]).toBe(0);
    expect(out[4]! + out[6]!).toBeCloseTo(1, 6);
    const log = run(backends.single, "LogSoftmax", [Float32Array.from([0, -Infinity, 0, 0])], [1, 4]);
    expect(log[1]).toBe(-Infinity);
    expect(log[0]).toBeCloseTo(-Math.log(3), 6);
  });

  it("stays correct after GEMM operands have filled linear memory (no static data for them to overwrite)", () => {
    const x = seededArray(128 * 256, 21).map((v) => v * 6);
    const expected = run(cpu, "LogSoftmax", [x], [128, 256], true);
    const a = seededArray(256 * 256, 22);
    backends.single.gemm(a, a, new Float32Array(256 * 256), { m: 256, n: 256, k: 256, transA: false, transB: false });
    expect(relativeError(run(backends.single, "LogSoftmax", [x], [128, 256]), expected)).toBeLessThanOrEqual(1e-5);
  });

  it("f64 inputs use the reference kernels unchanged", () => {
    const x = seededArray(12, 5);
    const viaWasmBackend = run(backends.pool, "Softmax", [x], [3, 4], true);
    expect(Array.from(viaWasmBackend)).toEqual(Array.from(run(cpu, "Softmax", [x], [3, 4], true)));
  });
});
