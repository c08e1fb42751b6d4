import { createCpuBackend, pad, permute, slice, tensor, type Backend } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { rowMajorGemm } from "../cublas.js";
import { MAX_RANK } from "./common.js";
import { broadcastStridesTo, collapse, contiguousStrides, reductionParams, stridedParams } from "./layout.js";

// The kernels' index arithmetic (PRELUDE's offsets3/offset1), replayed in TypeScript over the structs the host
// builds, checked against the cpu backend: what the GPU computes is fixed by these numbers.
function offsets3(st: Int32Array, i: number): [number, number, number] {
  const rank = st[0]!;
  const o: [number, number, number] = [0, 0, 0];
  for (let d = rank - 1; d >= 1; d--) {
    const n = st[1 + d]!;
    const c = i % n;
    i = Math.floor(i / n);
    for (let k = 0; k < 3; k++) o[k] += c * st[1 + MAX_RANK * (k + 1) + d]!;
  }
  // The outermost axis takes what is left of i, with no division (as the kernel).
  for (let k = 0; k < 3; k++) o[k] += i * st[1 + MAX_RANK * (k + 1)]!;
  return o;
}

const cpu: Backend = createCpuBackend();
const seq = (n: number) => Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3);

describe("strided layout", () => {
  it("merges contiguous axes and drops size-1 axes", () => {
    expect(collapse([4, 5, 6], [contiguousStrides([4, 5, 6])])).toEqual({ shape: [120], strides: [[1]] });
    // [N, C] + [C]: the row vector keeps two axes (stride 0 then 1).
    expect(collapse([8, 1, 16], [[16, 16, 1], [0, 0, 1]])).toEqual({ shape: [8, 16], strides: [[16, 1], [0, 1]] });
    expect(collapse([1, 1], [[1, 1]])).toEqual({ shape: [1], strides: [[0]] });
  });

  it("broadcast strides are right-aligned with 0 for size-1 and missing axes", () => {
    expect(broadcastStridesTo([3, 1], [2, 3, 4])).toEqual([0, 1, 0]);
    expect(broadcastStridesTo([], [2, 3])).toEqual([0, 0]);
  });

  it("a broadcast binary op reads the same elements as the cpu backend's Add", () => {
    const [aShape, bShape, out] = [[2, 1, 4], [3, 1], [2, 3, 4]];
    const a = seq(8), b = seq(3).map((v) => v * 10);
    const st = stridedParams("Add", out, [broadcastStridesTo(aShape, out), broadcastStridesTo(bShape, out)]);
    const got = Array.from({ length: 24 }, (_, i) => { const [oa, ob] = offsets3(st, i); return a[oa]! + b[ob]!; });
    const want = tensor(a, { shape: aShape, backend: cpu }).add(tensor(b, { shape: bShape, backend: cpu })).dataSync();
    expect(got).toEqual(Array.from(want));
  });

  it("permute, slice and pad copies place elements as the cpu kernels do", () => {
    const x = tensor(seq(24), { shape: [2, 3, 4], backend: cpu });
    const inStrides = contiguousStrides([2, 3, 4]);
    const copy = (shape: number[], dst: number[], src: number[], dbase: number, sbase: number, size: number) => {
      const out = new Array<number>(size).fill(0);
      const st = stridedParams("copy", shape, [dst, src]);
      const n = shape.reduce((p, q) => p * q, 1);
      for (let i = 0; i < n; i++) { const [od, os] = offsets3(st, i); out[dbase + od] = seq(24)[sbase + os]!; }
      return out;
    };
    const perm = [2, 0, 1];
    expect(copy([4, 2, 3], contiguousStrides([4, 2, 3]), perm.map((a) => inStrides[a]!), 0, 0, 24)).toEqual(Array.from(permute(x, perm).dataSync()));
    const sliced = copy([1, 2, 2], contiguousStrides([1, 2, 2]), inStrides, 0, 1 * 12 + 1 * 4 + 2, 4);
    expect(sliced).toEqual(Array.from(slice(x, [1, 1, 2], [1, 2, 2]).dataSync()));
    const outStrides = contiguousStrides([2, 5, 5]);
    const padded = copy([2, 3, 4], outStrides, inStrides, 1 * outStrides[1]! + 1, 0, 50);
    expect(padded).toEqual(Array.from(pad(x, [0, 1, 1], [0, 1, 0]).dataSync()));
  });

  it("reduction structs walk kept and reduced axes as the cpu ReduceSum groups them", () => {
    const shape = [2, 3, 4];
    const x = seq(24);
    for (const axes of [[0], [1], [2], [0, 2], [0, 1, 2]]) {
      const out = shape.map((n, d) => (axes.includes(d) ? 1 : n));
      const { params, outputs, reduced } = reductionParams("ReduceSum", shape, out);
      const kept = Int32Array.from([params[0]!, ...params.subarray(1, 1 + MAX_RANK), ...params.subarray(1 + MAX_RANK, 1 + 2 * MAX_RANK)]);
      const base = 1 + 2 * MAX_RANK;
      const red = Int32Array.from([params[base]!, ...params.subarray(base + 1, base + 1 + MAX_RANK), ...params.subarray(base + 1 + MAX_RANK, base + 1 + 2 * MAX_RANK)]);
      const walk = (p: Int32Array, i: number) => offsets3(Int32Array.from([...p, ...new Array(2 * MAX_RANK).fill(0)]), i)[0];
      const got = Array.from({ length: outputs }, (_, o) => { let s = 0; for (let j = 0; j < reduced; j++) s += x[walk(kept, o) + walk(red, j)]!; return s; });
      const want = tensor(x, { shape, backend: cpu }).sum(axes, true).dataSync();
      expect(got, `axes ${axes}`).toEqual(Array.from(want));
    }
  });

  it("refuses more than six axes that cannot merge, naming the op and shape", () => {
    const shape = [2, 2, 2, 2, 2, 2, 2];
    const strides = shape.map((_, d) => 2 ** (2 * (6 - d)));
    expect(() => stridedParams("Permute", shape, [strides])).toThrow("backend-cuda: Permute over shape [2, 2, 2, 2, 2, 2, 2] needs 7 strided axes after merging; at most 6 are supported (reshape to fewer axes first)");
  });
});

describe("row-major GEMM through column-major cuBLAS", () => {
  /** Column-major reference GEMM as cuBLAS defines it: C = op(A)·op(B), element (i, j) at i + j·ldc. */
  function cublasGemm(ta: boolean, tb: boolean, m: number, n: number, k: number, a: Float32Array, lda: number, b: Float32Array, ldb: number, ldc: number): Float32Array {
    const c = new Float32Array(ldc * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? a[p + i * lda]! : a[i + p * lda]!) * (tb ? b[j + p * ldb]! : b[p + j * ldb]!);
      c[i + j * ldc] = s;
    }
    return c;
  }

  for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
    it(`transA=${transA} transB=${transB} matches the cpu MatMul`, () => {
      const [m, n, k] = [3, 5, 4];
      const a = seq(m * k), b = seq(k * n).map((v) => v * 0.25);
      const g = rowMajorGemm(transA, transB, m, n, k);
      const got = cublasGemm(g.transFirst, g.transSecond, g.m, g.n, g.k, b, g.ldFirst, a, g.ldSecond, g.ldC);
      const x = tensor(a, { shape: transA ? [k, m] : [m, k], backend: cpu });
      const y = tensor(b, { shape: transB ? [n, k] : [k, n], backend: cpu });
      expect(Array.from(got)).toEqual(Array.from(x.matmul(y, { transA, transB }).dataSync()));
    });
  }
});
