import { causalSoftmax, createCpuBackend, tensor, tidy, type Backend, type DType } from "@adaptive-sparse/core";
import { expect, it } from "vitest";
import { relativeError } from "./compare.js";
import { seededValues } from "./device-check.js";
import { finiteDifference } from "./finite-difference.js";

// [B, H, T, T] with several [T, T] blocks, so a kernel must take the row index modulo T.
const SHAPE = [2, 3, 5, 5];
const COUNT = 150;
const SCALE = 0.37;

/** Attention rows and their gradient for one seeded cotangent, read back as numbers. */
async function run(backend: Backend, dtype: DType): Promise<{ y: number[]; dx: number[] }> {
  const x = tensor(seededValues(COUNT, 3, 4), { shape: SHAPE, dtype, backend, requiresGrad: true });
  const y = tidy(() => {
    const out = causalSoftmax(x, SCALE);
    out.backward(tensor(seededValues(COUNT, 7), { shape: SHAPE, dtype, backend }));
    return out;
  });
  const result = { y: Array.from(await y.data()), dx: Array.from(await x.grad!.data()) };
  y.dispose();
  x.zeroGrad();
  x.dispose();
  return result;
}

/** Positions above the diagonal of each [T, T] block (j > i). */
const masked = (index: number) => index % 5 > Math.floor(index / 5) % 5;

/** causalSoftmax (the backend's fused kernel, or the decomposition) against the cpu decomposition. */
export function describeCausalSoftmax(backend: () => Backend, tolerance: number, float64: boolean): void {
  it("CausalSoftmax: values and gradient match the cpu decomposition; masked entries are exactly 0", async () => {
    const before = backend().liveBuffers();
    const [want, got] = [await run(createCpuBackend(), "f32"), await run(backend(), "f32")];
    expect(relativeError(got.y, want.y), "CausalSoftmax: forward relative error").toBeLessThanOrEqual(tolerance);
    expect(relativeError(got.dx, want.dx), "CausalSoftmax: gradient relative error").toBeLessThanOrEqual(tolerance);
    expect(got.y.filter((_, k) => masked(k)).every((v) => v === 0), "CausalSoftmax: masked probabilities").toBe(true);
    expect(got.dx.filter((_, k) => masked(k)).every((v) => v === 0), "CausalSoftmax: masked gradients").toBe(true);
    // Each row's visible probabilities sum to 1.
    for (let row = 0; row < COUNT / 5; row++) expect(got.y.slice(row * 5, row * 5 + 5).reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    expect(backend().liveBuffers(), "CausalSoftmax: buffers leaked").toBe(before);
  });
  if (!float64) return;
  it("CausalSoftmax: f64 gradient matches finite differences", async () => {
    const { dx } = await run(backend(), "f64");
    const x = tensor(seededValues(COUNT, 3, 4), { shape: SHAPE, dtype: "f64", backend: backend() });
    const numeric = finiteDifference((s) => causalSoftmax(s, SCALE), [x], 0, Float64Array.from(seededValues(COUNT, 7)));
    x.dispose();
    expect(relativeError(dx, Array.from(numeric)), "CausalSoftmax: finite-difference gradient").toBeLessThanOrEqual(1e-6);
  });
}
