import { describe, expect, it } from "vitest";
import { Generator, createCpuBackend, expandCompressed24, matmul, randn, sparseMatMul24, tensor, type Backend, type Tensor } from "../src/index.js";

/** Packs a 2:4 matrix as io's compress24 does (written here from the format's description). */
function pack24(dense: number[], n: number, k: number): { values: Tensor; indices: Tensor } {
  const values: number[] = [];
  const positions: number[] = [];
  for (let g = 0; g < (n * k) / 4; g++) {
    const kept = [0, 1, 2, 3].filter((p) => dense[4 * g + p] !== 0);
    for (let p = 0; kept.length < 2; p++) if (!kept.includes(p)) kept.push(p); // a sparser group keeps zeros at its lowest free positions
    kept.sort((a, b) => a - b);
    for (const p of kept) {
      values.push(dense[4 * g + p]);
      positions.push(p);
    }
  }
  const bytes = new Uint8Array(Math.ceil((n * k) / 8));
  positions.forEach((p, j) => (bytes[j >> 2] |= p << (2 * (j & 3))));
  return { values: tensor(values, { shape: [n, k / 2] }), indices: tensor(bytes, { dtype: "u8" }) };
}

function random24(n: number, k: number, seed: number): number[] {
  const g = new Generator(seed);
  const pairs = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];
  const out = new Array<number>(n * k).fill(0);
  for (let group = 0; group < (n * k) / 4; group++) for (const p of pairs[g.integer(6)]) out[4 * group + p] = Math.round(g.normal() * 64) / 16 || 0.5;
  return out;
}

describe("SparseMatMul24", () => {
  it("matches a hand-computed product through the decomposition", () => {
    const { values, indices } = pack24([0, 5, 0, 7, 1, 0, 0, 2], 2, 4);
    expect([...indices.dataSync()]).toEqual([205]); // positions 1, 3, 0, 3 → 0b11_00_11_01
    expect([...expandCompressed24({ values, indices }, 2, 4).dataSync()]).toEqual([0, 5, 0, 7, 1, 0, 0, 2]);
    expect([...sparseMatMul24(tensor([[1, 2, 3, 4]]), { values, indices }, 2, 4).dataSync()]).toEqual([38, 9]);
  });

  it("equals the dense-with-zeros product exactly on a backend without the kernel, for batched x and odd slot counts", () => {
    for (const [n, k] of [[6, 8], [3, 4], [5, 12]]) {
      const dense = random24(n, k, n + k);
      const x = randn([2, 3, k], { generator: new Generator(k) });
      const expected = matmul(x, tensor(dense, { shape: [n, k] }), { transB: true });
      const y = sparseMatMul24(x, pack24(dense, n, k), n, k);
      expect(y.shape).toEqual([2, 3, n]);
      expect([...y.dataSync()]).toEqual([...expected.dataSync()]);
    }
  });

  it("runs the backend's fused kernel when it has one", () => {
    const cpu = createCpuBackend();
    const calls: number[][] = [];
    const backend: Backend = { ...cpu, name: "with-24", kernels: { ...cpu.kernels, SparseMatMul24: (out, inputs, attrs) => void calls.push([out.shape.length, inputs.length, attrs.n, attrs.k]) } };
    const { indices } = pack24([0, 5, 0, 7], 1, 4);
    const y = sparseMatMul24(tensor([[1, 2, 3, 4]], { backend }), { values: tensor([5, 7], { shape: [1, 2], backend }), indices: tensor([...indices.dataSync()], { dtype: "u8", backend }) }, 1, 4);
    expect(y.shape).toEqual([1, 1]);
    expect(calls).toEqual([[2, 3, 1, 4]]);
  });

  it("names the argument that does not fit", () => {
    const { values, indices } = pack24([0, 5, 0, 7, 1, 0, 0, 2], 2, 4);
    expect(() => sparseMatMul24(tensor([[1, 2, 3]]), { values, indices }, 2, 4)).toThrow(/x \[1, 3\] must end in k = 4/);
    expect(() => sparseMatMul24(tensor([[1, 2, 3, 4]]), { values, indices }, 2, 6)).toThrow(/k a multiple of 4/);
    expect(() => sparseMatMul24(tensor([[1, 2, 3, 4]]), { values, indices }, 4, 4)).toThrow(/values \[2, 2\] has 4 entries, expected n·k\/2 = 8/);
    expect(() => sparseMatMul24(tensor([[1, 2, 3, 4]]), { values, indices: tensor([1, 2], { dtype: "u8" }) }, 2, 4)).toThrow(/indices has 2 bytes, expected ceil\(n·k\/8\) = 1/);
  });
});
