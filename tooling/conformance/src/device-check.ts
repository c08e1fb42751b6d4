import { createCpuBackend, tidy, type Backend, type Tensor } from "@adaptive-sparse/core";
import { relativeError } from "./compare.js";

/** Deterministic values in [-scale, scale) from a small LCG, so every backend and check sees the same inputs. */
export function seededValues(count: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 31 - 1) * scale;
  }
  return out;
}

/**
 * Builds the same computation on the cpu backend and on `device` from the same host data, compares the results
 * (relative error for f32, exact for integers and masks) and logs one line. Used by the GPU checks.
 * @returns whether the error is within `tolerance`
 */
export async function agreeWithCpu(name: string, device: Backend, build: (backend: Backend) => Tensor, tolerance: number, log: (line: string) => void = console.log): Promise<boolean> {
  const expected = tidy(() => build(createCpuBackend()));
  const want = await expected.data();
  const start = performance.now();
  const actual = tidy(() => build(device));
  const got = await actual.data();
  const ms = performance.now() - start;
  const error = actual.dtype === "f32" ? relativeError(got, Array.from(want)) : got.every((v, i) => v === want[i]) ? 0 : Infinity;
  const ok = error <= tolerance;
  log(`${ok ? "ok  " : "FAIL"} ${name}: relative error ${error.toExponential(2)} (${ms.toFixed(1)} ms on ${device.name}: first run, upload and read included, data made before)`);
  expected.dispose();
  actual.dispose();
  return ok;
}
