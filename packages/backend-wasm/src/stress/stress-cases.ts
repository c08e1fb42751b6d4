import { createCpuBackend, type BufferInfo, type TypedArray } from "@adaptive-sparse/core";
import { compress24ForTest, random24, seededArray } from "../test-data.js";

type Info = BufferInfo<TypedArray>;
type KernelFn = (out: Info, inputs: readonly Info[], attrs: unknown) => void;

/** One kernel call of the kinds a training step makes, with the cpu backend's answer. */
export interface StressCase {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly Info[];
  readonly attrs: unknown;
  readonly outShape: readonly number[];
  readonly expected: Float32Array;
  /** Bit-identical to the cpu kernel (Add, Mul, ReduceSum, Permute, Where), else within 1e-4 (‖Δ‖∞ / ‖ref‖∞). */
  readonly exact: boolean;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const f32 = (handle: Float32Array, shape: readonly number[]): Info => ({ handle, shape: [...shape], dtype: "f32" });

/** Runs `op` through a kernel table into a NaN-filled output (a task that never ran then shows). */
export function callKernel(kernels: Record<string, unknown>, op: string, inputs: readonly Info[], attrs: unknown, outShape: readonly number[]): Float32Array {
  const out = new Float32Array(size(outShape)).fill(Number.NaN);
  (kernels[op] as KernelFn)(f32(out, outShape), inputs, attrs);
  return out;
}

/** ‖actual − expected‖∞ / ‖expected‖∞, NaN anywhere counting as infinitely wrong. */
export function maxRelativeError(actual: Float32Array, expected: Float32Array): number {
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (Number.isNaN(d)) return Infinity;
    difference = Math.max(difference, d);
    norm = Math.max(norm, Math.abs(expected[i]!));
  }
  return norm === 0 ? difference : difference / norm;
}

/** The first index where two arrays differ bit for bit (NaN equal to NaN), or -1. */
export function firstDifference(actual: Float32Array, expected: Float32Array): number {
  for (let i = 0; i < expected.length; i++) if (!Object.is(actual[i], expected[i])) return i;
  return -1;
}

/**
 * The ops of the example's GPT step at its sizes or near them: GEMMs on the pool (forward x·Wᵀ, weight
 * gradients with transA, batched attention products, a GEMV, one too small for the pool), the row
 * kernels, the broadcasting Add/Mul, the bias-gradient ReduceSum, and the 2:4 product as GEMV (column
 * and row splits) and GEMM, Permute and the causal-mask Where. Sizes differ so the arena's blocks move between calls.
 */
export function stressCases(): StressCase[] {
  const cpu = createCpuBackend().kernels as unknown as Record<string, unknown>;
  const cases: StressCase[] = [];
  let seed = 100;
  const data = (shape: readonly number[], scale = 1) => seededArray(size(shape), seed++).map((v) => v * scale);
  const add = (name: string, op: string, shapes: readonly (readonly number[])[], attrs: unknown, outShape: readonly number[], exact: boolean, scale = 1) => {
    const inputs = shapes.map((shape) => f32(data(shape, scale), shape));
    cases.push({ name, op, inputs, attrs, outShape, expected: callKernel(cpu, op, inputs, attrs, outShape), exact });
  };
  const matmul = { transA: false, transB: false };
  add("MatMul x·Wᵀ [512,128]·[384,128]ᵀ", "MatMul", [[512, 128], [384, 128]], { ...matmul, transB: true }, [512, 384], false);
  add("MatMul dW [512,96]ᵀ·[512,256]", "MatMul", [[512, 96], [512, 256]], { ...matmul, transA: true }, [96, 256], false);
  add("MatMul batched [8,64,32]·[8,32,64]", "MatMul", [[8, 64, 32], [8, 32, 64]], matmul, [8, 64, 64], false);
  add("MatMul wide [64,256]·[256,1024]", "MatMul", [[64, 256], [256, 1024]], matmul, [64, 1024], false);
  add("MatMul GEMV [1,1024]·[1024,1024]", "MatMul", [[1, 1024], [1024, 1024]], matmul, [1, 1024], false);
  add("MatMul small [8,16]·[16,8]", "MatMul", [[8, 16], [16, 8]], matmul, [8, 8], false);
  add("Softmax [128,512]", "Softmax", [[128, 512]], undefined, [128, 512], false, 6);
  add("LogSoftmax [64,1024]", "LogSoftmax", [[64, 1024]], undefined, [64, 1024], false, 6);
  add("Gelu [256,512]", "Gelu", [[256, 512]], undefined, [256, 512], false, 4);
  add("GeluGrad [256,512]", "GeluGrad", [[256, 512], [256, 512]], undefined, [256, 512], false, 4);
  add("LayerNorm [512,128]", "LayerNorm", [[512, 128]], { eps: 1e-5 }, [512, 128], false, 3);
  add("LayerNormGrad [512,128]", "LayerNormGrad", [[512, 128], [512, 128]], { eps: 1e-5 }, [512, 128], false, 3);
  add("Add same [16,64,128]", "Add", [[16, 64, 128], [16, 64, 128]], undefined, [16, 64, 128], true);
  add("Add bias [16,64,128]+[128]", "Add", [[16, 64, 128], [128]], undefined, [16, 64, 128], true);
  add("Mul per-row [256,256]·[256,1]", "Mul", [[256, 256], [256, 1]], undefined, [256, 256], true);
  add("Mul scalar [65536]·[1]", "Mul", [[65536], [1]], undefined, [65536], true);
  add("ReduceSum [16,64,128]->[1,1,128]", "ReduceSum", [[16, 64, 128]], { axes: [0, 1] }, [1, 1, 128], true, 50);
  add("Permute [8,64,4,32] by [0,2,1,3]", "Permute", [[8, 64, 4, 32]], { perm: [0, 2, 1, 3] }, [8, 4, 64, 32], true);
  add("Permute transpose [300,257]", "Permute", [[300, 257]], { perm: [1, 0] }, [257, 300], true);
  add("Concat KV append [1,12,100,64]+[1,12,1,64] on axis 2", "Concat", [[1, 12, 100, 64], [1, 12, 1, 64]], { axis: 2 }, [1, 12, 101, 64], true);
  add("Concat [40,700]+[40,0]+[40,300] on axis 1", "Concat", [[40, 700], [40, 0], [40, 300]], { axis: 1 }, [40, 1000], true);
  add("Concat [30000]+[5000] on axis 0", "Concat", [[30000], [5000]], { axis: 0 }, [35000], true);
  const causal = Uint8Array.from({ length: 128 * 128 }, (_, i) => (i % 128 <= Math.floor(i / 128) ? 1 : 0));
  const scores: Info[] = [{ handle: causal, shape: [128, 128], dtype: "u8" }, f32(data([4, 4, 128, 128]), [4, 4, 128, 128]), f32(Float32Array.of(-Infinity), [])];
  cases.push({ name: "Where causal [128,128] over [4,4,128,128]", op: "Where", inputs: scores, attrs: undefined, outShape: [4, 4, 128, 128], expected: callKernel(cpu, "Where", scores, undefined, [4, 4, 128, 128]), exact: true });
  for (const [m, n, k] of [[1, 512, 1024], [3, 256, 512], [2, 64, 128], [64, 192, 256]] as const) {
    const denseWeight = random24(n, k, seed++);
    const weight = compress24ForTest(denseWeight, n, k);
    const x = data([m, k]);
    const dense = f32(denseWeight, [n, k]);
    const inputs = [f32(x, [m, k]), f32(weight.values, [n, k / 2]), { handle: weight.indices, shape: [weight.indices.length], dtype: "u8" } as Info];
    const expected = callKernel(cpu, "MatMul", [inputs[0]!, dense], { ...matmul, transB: true }, [m, n]);
    cases.push({ name: `SparseMatMul24 [${m},${k}]·W[${n},${k}]ᵀ`, op: "SparseMatMul24", inputs, attrs: { n, k }, outShape: [m, n], expected, exact: false });
  }
  return cases;
}
