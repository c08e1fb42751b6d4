import { describe, expect, it } from "vitest";
import { createCpuBackend, groupTopK, tensor } from "../src/index.js";

/** The definition: sort each group by (score, index) ascending and prune the first m − n. */
function bySorting(scores: number[], n: number, m: number): number[] {
  const keep: number[] = [];
  for (let g = 0; g < scores.length; g += m) {
    const order = Array.from({ length: m }, (_, i) => i).sort((p, q) => (scores[g + p]! < scores[g + q]! ? -1 : scores[g + p]! > scores[g + q]! ? 1 : p - q));
    const group = new Array<number>(m);
    order.forEach((i, place) => (group[i] = place < m - n ? 0 : 1));
    keep.push(...group);
  }
  return keep;
}

describe("GroupTopK on the cpu backend", () => {
  const backend = createCpuBackend();
  const mask = (scores: number[], n: number, m: number) => Array.from(groupTopK(tensor(scores, { backend, shape: [scores.length / m, m] }), n, m).dataSync());

  it("keeps the n largest of each group, ties going to the higher index", () => {
    expect(mask([0.1, 0.5, 0.3, 0.2], 2, 4)).toEqual([0, 1, 1, 0]);
    expect(mask([1, 1, 1, 1], 2, 4)).toEqual([0, 0, 1, 1]);
    expect(mask([2, 1, 2, 1], 2, 4)).toEqual([1, 0, 1, 0]);
    expect(mask([-0, 0, -Infinity, Infinity], 2, 4)).toEqual([0, 1, 0, 1]); // -0 and 0 tie: the index decides
    expect(mask([Infinity, Infinity, 5, -Infinity], 1, 4)).toEqual([0, 1, 0, 0]);
  });

  it("matches sorting each group, for several N:M and scores full of ties", () => {
    let state = 7;
    const scores = Array.from({ length: 8 * 240 }, () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) % 5) - 2);
    for (const [n, m] of [[2, 4], [1, 4], [3, 4], [4, 8], [1, 2], [4, 4]] as const) expect(mask(scores, n, m), `${n}:${m}`).toEqual(bySorting(scores, n, m));
  });
});
