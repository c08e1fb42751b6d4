import { matmul, silu, sum, tensor, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { RMSNorm } from "./rms-norm.js";
import { RotaryEmbedding, ropeInverseFrequencies, rotateHalf } from "./rotary.js";

const close = (actual: ArrayLike<number>, expected: number[], digits = 6) => expected.forEach((e, i) => expect(actual[i], `index ${i}`).toBeCloseTo(e, digits));

describe("silu", () => {
  it("is x · sigmoid(x) (values from Python's math), with a finite gradient far out", () => {
    const x = tensor([0, 1, -1, 5, -20, -200, 200]).requireGrad();
    const y = silu(x);
    close(y.dataSync(), [0, 0.7310585786, -0.2689414214, 4.9665357454, -4.1223e-8, 0, 200]);
    sum(y).backward();
    // d/dx x·σ(x) = σ(x)(1 + x(1 − σ(x))): 0.5 at 0, 1 far right, 0 far left.
    close(x.grad!.dataSync(), [0.5, 0.9276705, 0.0723295, 1.0265474, 0, 0, 1], 5);
  });
});

describe("RMSNorm", () => {
  it("divides by sqrt(mean(x²) + eps) and scales by the weight (no centring)", () => {
    const norm = new RMSNorm(4, { eps: 1e-6 });
    norm.weight.assign(tensor([1, 1, 1, 2]));
    // mean square of [1, −2, 3, 0.5] is 3.5625
    close(norm.call(tensor([[1, -2, 3, 0.5]])).dataSync(), [0.5298128685, -1.0596257369, 1.5894386054, 2 * 0.2649064342]);
    expect(() => norm.call(tensor([[1, 2, 3]]))).toThrow(/RMSNorm\(4 -> 4\): input is \[1, 3\]; its last axis must be 4/);
  });
});

describe("rotary embeddings", () => {
  it("inverse frequencies: theta^(−2i/d), linear scaling divides by the factor", () => {
    close(ropeInverseFrequencies(8, 10000), [1, 0.1, 0.01, 0.001], 7);
    close(ropeInverseFrequencies(8, 10000, { type: "linear", factor: 2 }), [0.5, 0.05, 0.005, 0.0005], 7);
    expect(() => ropeInverseFrequencies(7, 10000)).toThrow(/head dimension 7 is odd/);
  });

  it("llama3 scaling keeps short wavelengths, divides long ones and blends the middle (computed by hand)", () => {
    // theta 500, d 8: frequencies 1, 0.2114743, 0.0447214, 0.0094574, wavelengths 6.28, 29.7, 140, 664;
    // context 64 / high 4 = 16 and 64 / low 1 = 64: the first stays, the second is blended with
    // s = (64/29.711 − 1)/3 = 0.384686 (0.2114743 · ((1 − s)/8 + s) = 0.0976166), the last two are / 8.
    const scaling = { type: "llama3", factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 64 } as const;
    close(ropeInverseFrequencies(8, 500, scaling), [1, 0.0976166, 0.0055902, 0.0011822], 6);
  });

  it("rotateHalf maps [x1, x2] to [−x2, x1]", () => {
    expect([...rotateHalf(tensor([[1, 2, 3, 4]])).dataSync()]).toEqual([-3, -4, 1, 2]);
  });

  it("grows its cached table for longer sequences (the first rows unchanged)", () => {
    const grown = new RotaryEmbedding(4, 200, 10000);
    const fresh = new RotaryEmbedding(4, 200, 10000);
    const x = (T: number) => tensor(Float32Array.from({ length: T * 4 }, (_, i) => Math.sin(i)), { shape: [T, 4] });
    const short = tidy(() => grown.apply(x(10)).dataSync());
    const long = tidy(() => grown.apply(x(150)).dataSync()); // past the first table's 64 rows
    expect(Array.from(long.slice(0, 40))).toEqual(Array.from(short));
    expect(Array.from(long)).toEqual(Array.from(tidy(() => fresh.apply(x(150)).dataSync())));
    // Row 149 rotates pair (0, 2) by 149 radians.
    const [c, s0] = [Math.cos(149), Math.sin(149)];
    expect(long[149 * 4]).toBeCloseTo(Math.sin(596) * c - Math.sin(598) * s0, 4);
    grown.dispose();
    fresh.dispose();
  });

  it("leaves position 0 alone, keeps norms, and makes q·k depend only on the distance", () => {
    const rotary = new RotaryEmbedding(4, 16, 100);
    const row = [0.3, -1.2, 0.8, 2];
    const rotated = rotary.apply(tensor(Array.from({ length: 6 }, () => row), { shape: [6, 4] }));
    const values = rotated.dataSync();
    close(values.slice(0, 4), row);
    for (let p = 0; p < 6; p++) expect(Math.hypot(...values.slice(4 * p, 4 * p + 4))).toBeCloseTo(Math.hypot(...row), 5);
    const dots = tidy(() => matmul(rotated, rotated, { transB: true }).dataSync()); // [6, 6]: entry (m, n) = q_m · k_n
    for (let m = 1; m < 6; m++) expect(dots[m * 6 + m - 1]).toBeCloseTo(dots[6 * 1 + 0]!, 5);
    expect(() => rotary.apply(tensor(new Float32Array(17 * 4), { shape: [17, 4] }))).toThrow(/at most 16 positions/);
    rotary.dispose();
  });
});
