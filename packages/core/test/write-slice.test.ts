import { describe, expect, it } from "vitest";
import { DTypeError, ShapeError, createCpuBackend, memory, reshape, tensor, writeSlice, zeros } from "../src/index.js";

/** The target's values after writing `source` at `start` of `axis`, element by element (the definition). */
function expected(target: number[], shape: number[], source: number[], sourceShape: number[], axis: number, start: number): number[] {
  const out = [...target];
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((n, d) => n * d, 1));
  source.forEach((value, flat) => {
    let rest = flat;
    const index = sourceShape.map((_, i) => {
      const stride = sourceShape.slice(i + 1).reduce((n, d) => n * d, 1);
      const at = Math.floor(rest / stride);
      rest %= stride;
      return i === axis ? at + start : at;
    });
    out[index.reduce((sum, at, i) => sum + at * strides[i]!, 0)] = value;
  });
  return out;
}

describe("writeSlice: a source written in place along one axis", () => {
  const fused = createCpuBackend();
  const composite = createCpuBackend({ fused: false }); // the concat-and-swap decomposition

  const cases: [string, number[], number[], number, number][] = [
    ["a KV cache append [1, 3, 5, 4] ← [1, 3, 1, 4] at 2", [1, 3, 5, 4], [1, 3, 1, 4], 2, 2],
    ["a prompt at the start", [2, 2, 6, 3], [2, 2, 4, 3], 2, 0],
    ["the last position", [2, 2, 6, 3], [2, 2, 1, 3], 2, 5],
    ["LLaMA's grouped layout, axis 3 of 5", [1, 2, 1, 4, 2], [1, 2, 1, 2, 2], 3, 1],
    ["axis 0", [4, 3], [2, 3], 0, 1],
    ["the last axis", [3, 5], [3, 2], 1, 3],
    ["the whole target", [2, 3], [2, 3], 0, 0],
  ];
  for (const [name, shape, sourceShape, axis, start] of cases) {
    it(`${name}: both paths write exactly the source's elements`, () => {
      const size = (s: number[]) => s.reduce((n, d) => n * d, 1);
      const before = Array.from({ length: size(shape) }, (_, i) => i + 0.5);
      const source = Array.from({ length: size(sourceShape) }, (_, i) => -(i + 1));
      for (const backend of [fused, composite]) {
        const target = tensor(before, { shape, backend });
        const view = reshape(target, [-1]); // a view of the target's buffer sees the write
        writeSlice(target, tensor(source, { shape: sourceShape, backend }), axis, start);
        expect(Array.from(target.dataSync())).toEqual(expected(before, shape, source, sourceShape, axis, start));
        expect(Array.from(view.dataSync())).toEqual(Array.from(target.dataSync()));
      }
    });
  }

  it("i32 and u8 targets; an empty source changes nothing; no tensor is left behind", () => {
    for (const backend of [fused, composite]) {
      const target = zeros([2, 4], { dtype: "i32", backend });
      const before = memory().tensors;
      const source = tensor([7, 8], { shape: [2, 1], dtype: "i32", backend });
      writeSlice(target, source, 1, 3);
      source.dispose();
      expect(Array.from(target.dataSync())).toEqual([0, 0, 0, 7, 0, 0, 0, 8]);
      expect(memory().tensors).toBe(before);
      writeSlice(target, zeros([2, 0], { dtype: "i32", backend }), 1, 4);
      expect(Array.from(target.dataSync())).toEqual([0, 0, 0, 7, 0, 0, 0, 8]);
      const mask = zeros([3], { dtype: "u8", backend });
      writeSlice(mask, tensor([1], { dtype: "u8", backend }), 0, 1);
      expect(Array.from(mask.dataSync())).toEqual([0, 1, 0]);
    }
  });

  it("a source that does not fit is refused, naming both shapes, before anything is written", () => {
    const target = zeros([1, 2, 4, 3], { backend: fused });
    const where = "writeSlice: source [1, 2, 2, 3] into target [1, 2, 4, 3] at 3 of axis 2";
    expect(() => writeSlice(target, zeros([1, 2, 2, 3], { backend: fused }), 2, 3)).toThrow(new ShapeError(`${where}: positions 3..4 do not fit in the target's 4`));
    expect(() => writeSlice(target, zeros([1, 3, 1, 3], { backend: fused }), 2, 0)).toThrow(/the shapes must agree on every axis but 2/);
    expect(() => writeSlice(target, zeros([1, 2, 1, 3], { backend: fused }), 4, 0)).toThrow(/axis must be one of 0\.\.3/);
    expect(() => writeSlice(target, zeros([1, 2, 1, 3], { dtype: "i32", backend: fused }), 2, 0)).toThrow(DTypeError);
    expect(Array.from(target.dataSync()).every((v) => v === 0)).toBe(true);
  });
});
