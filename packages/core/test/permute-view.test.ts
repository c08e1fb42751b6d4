import { describe, expect, it } from "vitest";
import { createCpuBackend, mul, permute, ShapeError, sum, tensor, transpose, type Backend } from "../src/index.js";

/** A CPU backend that counts its Permute kernel calls. */
function countingPermutes(): { backend: Backend; calls: () => number } {
  const backend = createCpuBackend();
  let calls = 0;
  const kernel = backend.kernels.Permute;
  backend.kernels.Permute = (out, inputs, attrs) => {
    calls++;
    return kernel(out, inputs, attrs);
  };
  return { backend, calls: () => calls };
}

describe("permute that moves only axes of size 1", () => {
  it("is a view of x's buffer: the same elements in the same order, no Permute kernel", () => {
    const { backend, calls } = countingPermutes();
    // Decoding's (B, T=1, nh, hs) -> (B, nh, T=1, hs).
    const x = tensor([[[[1, 2], [3, 4], [5, 6]]]], { backend });
    const y = permute(x, [0, 2, 1, 3]);
    expect(y.shape).toEqual([1, 3, 1, 2]);
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(y.storage).toBe(x.storage);
    expect(calls()).toBe(0);
    // Negative axes and the identity too; transposing a row into a column moves one axis of size 1.
    expect(permute(x, [0, -2, -3, -1]).storage).toBe(x.storage);
    expect(permute(x, [0, 1, 2, 3]).storage).toBe(x.storage);
    expect(transpose(tensor([[1, 2, 3]], { backend })).shape).toEqual([3, 1]);
    expect(calls()).toBe(0);
  });

  it("still copies when axes longer than 1 change order", () => {
    const { backend, calls } = countingPermutes();
    const x = tensor([[[1, 2, 3]], [[4, 5, 6]]], { backend }); // [2, 1, 3]
    const y = permute(x, [2, 1, 0]); // [3, 1, 2]
    expect(Array.from(y.dataSync())).toEqual([1, 4, 2, 5, 3, 6]);
    expect(y.storage).not.toBe(x.storage);
    expect(calls()).toBe(1);
  });

  it("passes the gradient back through the view", () => {
    const { backend } = countingPermutes();
    const x = tensor([[[1, 2, 3]], [[4, 5, 6]]], { backend, requiresGrad: true }); // [2, 1, 3]
    const w = tensor([[[1, 10, 100]], [[1000, 10000, 100000]]], { backend }); // [1, 2, 3] after the permute below
    const y = permute(x, [1, 0, 2]); // [1, 2, 3]
    sum(mul(y, permute(w, [1, 0, 2]))).backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([1, 10, 100, 1000, 10000, 100000]);
  });

  it("rejects a list that is not a permutation, as the copying permute does", () => {
    const x = tensor([[[1, 2]]]);
    expect(() => permute(x, [0, 0, 2])).toThrow(ShapeError);
    expect(() => permute(x, [0, 0, 2])).toThrow("Permute: [0,0,2] is not a permutation of the 3 axes of [1,1,2]");
    expect(() => permute(x, [1, 0])).toThrow("is not a permutation");
  });
});
