import { createCpuBackend, tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { flipCount, flipCountTensor } from "./flip-rate.js";
import { magnitudeMask, magnitudeScores } from "./magnitude.js";
import { nmMaskFromScores } from "./nm-mask.js";
import { wandaMask, wandaScores } from "./wanda.js";
import { computeMask, maskTensor } from "./weight-tensor.js";

/** Values with many exact ties (multiples of 0.25, both signs), so the tie rule is exercised. */
function tiedWeights(count: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return ((state >>> 24) % 9) * 0.25 - 1;
  });
}

describe("magnitude and wanda on the device", () => {
  const backend = createCpuBackend();
  const rows = 6;
  const cols = 16;
  const data = tiedWeights(rows * cols, 3);
  const a = Float32Array.from({ length: cols }, (_, c) => (c % 3) * 0.5);
  const weight = tensor(data, { shape: [rows, cols], backend });
  const statistic = tensor(a, { shape: [cols], backend });

  it.each([[2, 4], [4, 8], [1, 4]])("%i:%i masks equal the host selection, tie rule included, and move no bytes", async (n, m) => {
    const before = backend.stats();
    const magnitude = await computeMask(magnitudeMask, weight, { n, m });
    const wanda = await computeMask(wandaMask, weight, { n, m, inputNormSq: statistic });
    const flips = flipCountTensor(magnitude, wanda);
    const after = backend.stats();
    expect(after.hostToDeviceBytes - before.hostToDeviceBytes).toBe(0);
    expect(after.deviceToHostBytes - before.deviceToHostBytes).toBe(0);
    expect(magnitude.backend).toBe(backend);
    const host = { data, rows, cols };
    const expectedMagnitude = nmMaskFromScores(magnitudeScores(host), rows, cols, { n, m });
    const expectedWanda = nmMaskFromScores(wandaScores(host, a), rows, cols, { n, m });
    expect([...(await magnitude.data())]).toEqual([...expectedMagnitude]);
    expect([...(await wanda.data())]).toEqual([...expectedWanda]);
    expect((await flips.data())[0]).toBe(flipCount(expectedMagnitude, expectedWanda));
    for (const t of [magnitude, wanda, flips]) t.dispose();
  });

  it("rejects masks that do not fit, naming the problem", () => {
    expect(() => maskTensor('mask "x"', new Uint8Array(3), weight)).toThrow(/returned 3 values for a weight \[6, 16\]/);
    expect(() => maskTensor('mask "x"', tensor([1, 0], { dtype: "f32" }), weight)).toThrow(/returned a f32 mask; return u8/);
    expect(() => flipCountTensor(tensor([1, 0], { dtype: "u8" }), tensor([1], { dtype: "u8" }))).toThrow(/masks are \[2\] and \[1\]/);
    expect(() => magnitudeMask.compute(tensor([1, 2, 3, 4]), { n: 2, m: 4 })).toThrow(/must be a matrix \[out, in\], got \[4\]/);
    expect(() => wandaMask.compute(weight, { n: 2, m: 4, inputNormSq: tensor([1, 2]) })).toThrow(/inputNormSq has length 2 but the weight has cols=16/);
  });
});
