import { describe, expect, it } from "vitest";
import {
  add, BackendError, clamp, createCpuBackend, createRegistry, crossEntropy, DisposedError, DTypeError, DuplicatePluginError, gather, GradError,
  groupTopK, matmul, mean, NonFiniteError, reshape, ShapeError, SparseError, sum, tensor, UnknownPluginError, validateOptions, zeros,
} from "../src/index.js";

describe("bad input gets a clear error", () => {
  it("shape mismatch names the op, both shapes and the argument", () => {
    expect(() => matmul(zeros([4, 8]), zeros([6, 2]))).toThrow(new ShapeError("MatMul: inner dims differ: a is [4, 8], b is [6, 2] (a's contracted axis has 8, b's has 6)"));
    expect(() => add(zeros([2, 3]), zeros([4]))).toThrow(/Add: shapes do not broadcast: a is \[2, 3\], b is \[4\] \(axis -1 has sizes 3 and 4/);
    expect(() => reshape(zeros([2, 3]), [4, 2])).toThrow(/reshape: cannot view \[2, 3\] \(6 elements\) as \[4, 2\]/);
    expect(() => crossEntropy(zeros([2, 5]), zeros([3], { dtype: "i32" }))).toThrow(/crossEntropy: logits \[2, 5\] need targets of shape \[2\], got \[3\]/);
  });

  it("dtype mismatch says how to convert", () => {
    const error = (() => { try { add(zeros([2]), zeros([2], { dtype: "f64" })); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(DTypeError);
    expect((error as Error).message).toBe("Add: a has dtype f32 but b has dtype f64; cast one with .cast('f32')");
    expect(() => gather(zeros([3, 2]), zeros([2]))).toThrow(/Gather: indices have dtype f32, expected i32/);
  });

  it("use of a disposed tensor", () => {
    const x = tensor([1, 2, 3]);
    x.dispose();
    expect(() => x.dataSync()).toThrow(DisposedError);
    expect(() => add(x, 1)).toThrow(/Add: input 0 \(shape \[3\]\) was disposed/);
  });

  it("unknown registry names list the choices; duplicates throw", () => {
    const registry = createRegistry();
    registry.register("backend", "cpu", { name: "cpu", apiVersion: 1, priority: 0, isAvailable: () => true, create: () => { throw new Error("unused"); } });
    expect(() => registry.get("backend", "webgpu")).toThrow(new UnknownPluginError('registry: unknown backend "webgpu"; registered backend names: cpu'));
    expect(() => registry.register("backend", "cpu", registry.get("backend", "cpu"))).toThrow(DuplicatePluginError);
    expect(() => registry.register("backend", "Bad Name", registry.get("backend", "cpu"))).toThrow(/lowercase kebab-case/);
  });

  it("empty reductions are errors", () => {
    expect(() => sum(zeros([2, 0]), 1)).toThrow(/ReduceSum: cannot reduce axis 1 of \[2, 0\]: it is empty/);
    expect(() => mean(zeros([0]))).toThrow(ShapeError);
  });

  it("non-finite values where an op needs finite ones", () => {
    // Documented: mask selection (GroupTopK) needs finite scores; clamp bounds must not be NaN.
    expect(() => groupTopK(tensor([1, NaN, 2, 3]), 2, 4)).toThrow(new NonFiniteError("GroupTopK: score at row 0, column 1 is NaN; masks need finite scores"));
    expect(() => clamp(tensor([1]), NaN, 1)).toThrow(NonFiniteError);
  });

  it("out-of-range indices, bad axes, and options", () => {
    expect(() => gather(zeros([3, 2]), tensor([0, 3], { dtype: "i32" }))).toThrow(/Gather: index 3 at position 1 is out of range for a table of 3 rows \(valid: 0..2\)/);
    expect(() => sum(zeros([2, 2]), 2)).toThrow(/axis 2 is out of range for a tensor of rank 2 \(valid: -2..1\)/);
    expect(() => groupTopK(zeros([2, 6]), 2, 4)).toThrow(/last axis of \[2, 6\] \(6\) is not a multiple of the group size m=4/);
    const schema = { shape: { n: 1, m: 1 }, safeParse: () => ({ success: false as const, error: { issues: [{ code: "unrecognized_keys", path: [], message: "", keys: ["nn"] }] } }) };
    expect(() => validateOptions('mask "magnitude"', schema, { nn: 2 })).toThrow('mask "magnitude": invalid options: unknown option "nn" (valid options: n, m)');
  });

  it("autograd misuse", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/backward\(\): output has shape \[2\]; without a gradient argument it must hold one element/);
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(GradError);
    expect(() => tensor([1]).backward()).toThrow(/does not require grad/);
  });

  it("sync reads on an async-only backend point to data()", () => {
    const gpu = { ...createCpuBackend(), name: "gpu", readSync: undefined };
    const asyncOnly = tensor([1], { backend: gpu });
    expect(() => asyncOnly.dataSync()).toThrow(new BackendError('dataSync(): backend "gpu" reads asynchronously only; use await tensor.data()'));
  });

  it("every error is a SparseError with a stable code", () => {
    const error = (() => { try { matmul(zeros([1, 2]), zeros([3, 1])); } catch (e) { return e; } })();
    expect(SparseError.isInstance(error)).toBe(true);
    expect((error as SparseError).code).toBe("E_SHAPE");
  });
});
