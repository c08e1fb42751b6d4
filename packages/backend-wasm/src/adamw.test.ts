import { createCpuBackend, type AdamWStepAttrs, type AdamWStepMode, type BufferInfo, type TypedArray } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { seededArray, wasmBackendsForTests } from "./test-helpers.js";

const cpu = createCpuBackend();
type Info = BufferInfo<TypedArray>;
type Step = (targets: readonly Info[], inputs: readonly Info[], attrs: AdamWStepAttrs) => void;
const info = (handle: TypedArray, dtype: "f32" | "u8" | "f64" = "f32"): Info => ({ handle, shape: [handle.length], dtype });

/** Parameter, moments (after a few steps: non-zero, v ≥ 0), gradient and a 0/1 mask of `size` elements. */
function state(size: number) {
  const v = seededArray(size, 3).map((x) => x * x * 1e-3);
  v[5] = 0; // a zero second moment: the update divides by eps alone
  const mask = Uint8Array.from(seededArray(size, 5), (x) => (x > 0 ? 1 : 0));
  return { p: seededArray(size, 1), m: seededArray(size, 2).map((x) => x * 0.01), v, g: seededArray(size, 4).map((x) => x * 0.1), mask };
}

/** Runs `steps` updates through a backend's AdamWStep on copies of `initial`; returns the final arrays. */
function run(backend: { kernels: Record<string, unknown> }, initial: ReturnType<typeof state>, attrs: AdamWStepAttrs, withMask: boolean, steps = 3) {
  const [p, m, v] = [initial.p.slice(), initial.m.slice(), initial.v.slice()];
  const kernel = backend.kernels.AdamWStep as Step;
  for (let k = 1; k <= steps; k++) kernel([info(p), info(m), info(v)], withMask ? [info(initial.g), info(initial.mask, "u8")] : [info(initial.g)], { ...attrs, step: k });
  return { p, m, v };
}

/** The first few indices where two arrays differ bit for bit (a plain loop: deep equality is slow at 70K). */
function differences(actual: Float32Array, expected: Float32Array): string[] {
  const found: string[] = [];
  for (let i = 0; i < expected.length && found.length < 5; i++) if (!Object.is(actual[i], expected[i])) found.push(`[${i}] ${actual[i]} != ${expected[i]}`);
  return found;
}

const ATTRS: AdamWStepAttrs = { lr: 3e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, decay: 2e-4, step: 1, mode: "textbook" };
const MODES: AdamWStepMode[] = ["textbook", "gradient", "decoupled", "reference-int-not", "sgd"];

describe("AdamWStep in WebAssembly on the pool", () => {
  const backends = wasmBackendsForTests();
  // 70001: odd, so the f64x2 loop leaves a tail, and above the 32768-element threshold on both sides of a split.
  const initial = state(70001);

  for (const mode of MODES) {
    for (const withMask of [false, true]) {
      it(`${mode}${withMask ? " with a u8 mask" : ""}: 3 steps equal the cpu kernel's bit for bit, on 1 thread and on the pool`, () => {
        const attrs = { ...ATTRS, mode };
        const expected = run(cpu, initial, attrs, withMask);
        for (const backend of [backends.single, backends.pool]) {
          const actual = run(backend, initial, attrs, withMask);
          expect(differences(actual.p, expected.p)).toEqual([]);
          expect(differences(actual.m, expected.m)).toEqual([]);
          expect(differences(actual.v, expected.v)).toEqual([]);
        }
        // The update really moved the parameter (a kernel that wrote nothing would fail above, this says how).
        expect(differences(expected.p, initial.p).length).toBeGreaterThan(0);
      });
    }
  }

  it("leaves small parameters and f64 to the cpu kernel, with the same results", () => {
    const small = state(1000);
    const expected = run(cpu, small, ATTRS, false);
    expect(differences(run(backends.pool, small, ATTRS, false).p, expected.p)).toEqual([]);
    const p = Float64Array.from(small.p);
    const kernel = backends.pool.kernels.AdamWStep as Step;
    kernel([info(p, "f64"), info(Float64Array.from(small.m), "f64"), info(Float64Array.from(small.v), "f64")], [info(Float64Array.from(small.g), "f64")], ATTRS);
    expect(p[0]).not.toBe(small.p[0]);
  });
});
