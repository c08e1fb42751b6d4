import { createCpuBackend, type BufferInfo, type DType, type Kernel, type TypedArray } from "@adaptive-sparse/core";
import { afterAll, describe, expect, it } from "vitest";
import { createBinaryKernels } from "../kernels/binary-kernel.js";
import { createAdamWStepKernel } from "../kernels/adamw-kernel.js";
import { createCausalSoftmaxKernels } from "../kernels/causal-softmax-kernel.js";
import { createCrossEntropyKernels } from "../kernels/cross-entropy-kernel.js";
import { createRowwiseKernels } from "../kernels/rowwise-kernel.js";
import { WasmEngine } from "./engine.js";

const info = (handle: TypedArray, shape: number[], dtype: DType = "f32"): BufferInfo<TypedArray> => ({ handle, shape, dtype });
const random = (n: number, seed: number) => {
  let state = seed;
  return Float32Array.from({ length: n }, () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 4 - 2);
};

describe("placeRows: row-wise kernels on host arrays larger than its slice", async () => {
  const engine = await WasmEngine.create(2, 0, false);
  afterAll(() => engine.dispose());
  const cpu = createCpuBackend().kernels;
  const kernels = {
    ...createCrossEntropyKernels(engine),
    ...createCausalSoftmaxKernels(engine),
    ...createRowwiseKernels(engine, cpu),
    ...createBinaryKernels(engine, cpu),
  } as unknown as Record<string, Kernel<unknown, TypedArray>>;
  /** Runs `op` on host arrays whole (the default slice is larger) and sliced 1,000 bytes at a time; returns both outputs. */
  const wholeAndSliced = (op: string, out: () => BufferInfo<TypedArray>, inputs: BufferInfo<TypedArray>[], attrs: unknown) => {
    const results = [Number.POSITIVE_INFINITY, 1000].map((chunk) => {
      engine.hostChunkBytes = chunk;
      const o = out();
      kernels[op]!(o, inputs, attrs);
      return o.handle;
    });
    engine.hostChunkBytes = 32 * 2 ** 20;
    return results;
  };

  it("slices host arrays by rows and covers every row once, in order; backend buffers go whole", () => {
    engine.hostChunkBytes = 4 * 100; // 100 f32 rows of one element, or 25 rows of four
    const calls: [number, number][] = [];
    const host = Float32Array.from({ length: 4 * 60 }, (_, i) => i);
    engine.placeRows(60, [[host, "in", 4], [Float32Array.of(7, 8), "in", 0]], (pointers, first, count) => {
      calls.push([first, count]);
      expect(Array.from(engine.f32(pointers[0]!, 4 * count))).toEqual(Array.from(host.subarray(4 * first, 4 * (first + count))));
      expect(Array.from(engine.f32(pointers[1]!, 2))).toEqual([7, 8]); // read whole in every slice
    });
    expect(calls).toEqual([[0, 25], [25, 25], [50, 10]]);
    const out = new Float32Array(4 * 60);
    engine.placeRows(60, [[out, "out", 4]], (pointers, first, count) => engine.f32(pointers[0]!, 4 * count).fill(first));
    expect(out[4 * 24]).toBe(0);
    expect(out[4 * 25]).toBe(25); // written back slice by slice
    expect(out[4 * 59]).toBe(50);
    engine.hostChunkBytes = 32 * 2 ** 20;
  });

  it("gives the same bits sliced as whole: cross-entropy and its gradient", () => {
    const [rows, classes] = [37, 301];
    const logits = info(random(rows * classes, 1), [rows, classes]);
    const targets = info(Int32Array.from({ length: rows }, (_, n) => (n * 97) % classes), [rows], "i32");
    targets.handle[5] = -100; // an ignored row
    const g = info(random(rows, 2), [rows]);
    const [loss, lossSliced] = wholeAndSliced("SoftmaxCrossEntropy", () => info(new Float32Array(rows), [rows]), [logits, targets], { ignoreIndex: -100 });
    expect(Array.from(lossSliced)).toEqual(Array.from(loss));
    expect(loss[5]).toBe(0);
    const [grad, gradSliced] = wholeAndSliced("SoftmaxCrossEntropyGrad", () => info(new Float32Array(rows * classes), [rows, classes]), [g, logits, targets], { ignoreIndex: -100 });
    expect(Array.from(gradSliced)).toEqual(Array.from(grad));
  });

  it("gives the same bits sliced as whole: causal softmax (each row's query position kept) and its gradient", () => {
    const [batch, t] = [3, 40];
    const x = info(random(batch * t * t, 3), [batch, t, t]);
    const [y, ySliced] = wholeAndSliced("CausalSoftmax", () => info(new Float32Array(batch * t * t), [batch, t, t]), [x], { scale: 0.125 });
    expect(Array.from(ySliced)).toEqual(Array.from(y));
    expect(y[t + 2]).toBe(0); // query 1 sees keys 0 and 1 only
    const gy = info(random(batch * t * t, 4), [batch, t, t]);
    const [dx, dxSliced] = wholeAndSliced("CausalSoftmaxGrad", () => info(new Float32Array(batch * t * t), [batch, t, t]), [gy, info(y, [batch, t, t])], { scale: 0.125 });
    expect(Array.from(dxSliced)).toEqual(Array.from(dx));
  });

  it("gives the same bits sliced as whole: a row-wise op and Add in each broadcast mode", () => {
    const [rows, width] = [300, 128];
    const x = info(random(rows * width, 5), [rows, width]);
    const [ln, lnSliced] = wholeAndSliced("LayerNorm", () => info(new Float32Array(rows * width), [rows, width]), [x], { eps: 1e-5 });
    expect(Array.from(lnSliced)).toEqual(Array.from(ln));
    for (const shape of [[rows, width], [width], [rows, 1], [1]]) {
      const other = info(random(shape.reduce((a, b) => a * b, 1), 6), shape);
      const [sum, sumSliced] = wholeAndSliced("Add", () => info(new Float32Array(rows * width), [rows, width]), [x, other], {});
      expect(Array.from(sumSliced)).toEqual(Array.from(sum));
      expect(sum[rows * width - 1]).toBe(Math.fround(x.handle[rows * width - 1]! + other.handle[other.handle.length - 1]!));
    }
  });

  it("gives the same bits sliced as whole: AdamWStep in place, with a mask and without (an odd size: the pairs' tail)", () => {
    const adamw = createAdamWStepKernel(engine, cpu);
    const size = 40001;
    const mask = Uint8Array.from({ length: size }, (_, i) => (i * 7) % 3 === 0 ? 0 : 1);
    for (const [mode, withMask] of [["gradient", true], ["textbook", false]] as const) {
      const results = [Number.POSITIVE_INFINITY, 1000].map((chunk) => {
        engine.hostChunkBytes = chunk;
        const [p, m, v] = [random(size, 7), random(size, 8).map(Math.abs), random(size, 9).map(Math.abs)];
        const attrs = { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, decay: 0.01, step: 3, mode };
        adamw([info(p, [size]), info(m, [size]), info(v, [size])], [info(random(size, 10), [size]), ...(withMask ? [info(mask, [size], "u8")] : [])], attrs);
        return [p, m, v];
      });
      engine.hostChunkBytes = 32 * 2 ** 20;
      results[0]!.forEach((whole, i) => expect(Array.from(results[1]![i]!), `${mode} operand ${i}`).toEqual(Array.from(whole)));
    }
  });
});
