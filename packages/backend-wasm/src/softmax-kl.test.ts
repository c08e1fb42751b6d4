import { createCpuBackend, type BufferInfo, type TypedArray } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { seededArray, wasmBackendsForTests } from "./test-helpers.js";

// core's SoftmaxKL (the distillation loss per row) and its gradient in WebAssembly, against the cpu kernels
// (doubles over the same f32 inputs).
const cpu = createCpuBackend();
type Backend = { kernels: Record<string, unknown> };

function call(backend: Backend, op: "SoftmaxKL" | "SoftmaxKLGrad", inputs: [TypedArray, number[]][], outShape: number[], temperature: number): Float32Array {
  const out = new Float32Array(outShape.reduce((a, b) => a * b, 1)).fill(Number.NaN);
  const kernel = backend.kernels[op] as (o: BufferInfo<TypedArray>, i: BufferInfo<TypedArray>[], a: unknown) => void;
  kernel({ handle: out, shape: outShape, dtype: "f32" }, inputs.map(([handle, shape]) => ({ handle, shape, dtype: "f32" })), { temperature });
  return out;
}

/** Largest |a − b| / (|b| + floor) over the arrays. */
function worst(actual: Float32Array, expected: Float32Array, floor: number): number {
  let error = 0;
  for (let i = 0; i < expected.length; i++) error = Math.max(error, Math.abs(actual[i]! - expected[i]!) / (Math.abs(expected[i]!) + floor));
  return error;
}

describe("SoftmaxKL in WebAssembly", () => {
  const backends = wasmBackendsForTests();
  // A tail of 3 after the SIMD lanes, GPT-2's vocabulary, and teacher logits of −∞ (p = 0: the term counts 0).
  for (const [rows, vocab] of [[7, 1027], [3, 50257]] as const) {
    for (const temperature of [1, 2]) {
      it(`[${rows}, ${vocab}] at T = ${temperature}: the cpu kernels' loss and gradient within f32 rounding`, () => {
        const student = seededArray(rows * vocab, 1).map((v) => v * 6);
        const teacher = seededArray(rows * vocab, 2).map((v) => v * 9);
        teacher[5] = -Infinity;
        teacher[vocab + 11] = -Infinity;
        const g = Float32Array.from({ length: rows }, (_, r) => 0.5 + r);
        const logits: [TypedArray, number[]][] = [[student, [rows, vocab]], [teacher, [rows, vocab]]];
        const loss = call(cpu, "SoftmaxKL", logits, [rows], temperature);
        const grad = call(cpu, "SoftmaxKLGrad", [[g, [rows]], ...logits], [rows, vocab], temperature);
        expect(Array.from(loss).every((kl) => Number.isFinite(kl) && kl > 0)).toBe(true);
        for (const backend of [backends.single, backends.pool]) {
          expect(worst(call(backend, "SoftmaxKL", logits, [rows], temperature), loss, 1e-6)).toBeLessThan(2e-5);
          // Gradient entries are g·(q − p)/T: compared relative to the row's largest entry.
          expect(worst(call(backend, "SoftmaxKLGrad", [[g, [rows]], ...logits], [rows, vocab], temperature), grad, 1e-3)).toBeLessThan(1e-4);
        }
      });
    }
  }
});
