import { describe, expect, it } from "vitest";
import {
  adamwStep, createCpuBackend, crossEntropy, full, ones, tensor, tidy, where, zeros, DTypeError, ShapeError,
  type Backend, type BufferInfo, type TypedArray,
} from "../src/index.js";

const moved = (backend: Backend) => {
  const { hostToDeviceBytes, deviceToHostBytes } = backend.stats();
  return hostToDeviceBytes + deviceToHostBytes;
};

describe("device fills", () => {
  it("full, ones, zeros and scalar operands upload nothing", () => {
    const backend = createCpuBackend();
    const before = moved(backend);
    const t = tidy(() => add3(full([3, 4], 2.5, { backend }), ones([3, 4], { backend }), zeros([4], { backend })));
    expect(moved(backend)).toBe(before);
    expect(Array.from(t.dataSync())).toEqual(Array(12).fill(4.5)); // 2.5 + 1 + 0 + 1
    expect(backend.stats().deviceToHostBytes).toBe(48);
  });

  it("Fill rounds like a typed-array store and fills integer dtypes", () => {
    const backend = createCpuBackend();
    expect(full([2], 0.1, { backend }).dataSync()[0]).toBe(Math.fround(0.1));
    expect(Array.from(full([3], 7, { backend, dtype: "i32" }).dataSync())).toEqual([7, 7, 7]);
    expect(Array.from(full([2], 1, { backend, dtype: "u8" }).dataSync())).toEqual([1, 1]);
  });

  it("Where's gradient builds no zeros tensor of the gradient's shape", () => {
    const backend = createCpuBackend();
    const x = tensor([1, -2, 3, -4], { backend, requiresGrad: true });
    const sizes: number[] = [];
    const alloc = backend.alloc.bind(backend);
    backend.alloc = (dtype, size) => (sizes.push(size), alloc(dtype, size));
    tidy(() => where(tensor([1, 0, 1, 0], { backend, dtype: "u8" }), x, 0).sum().backward());
    expect(Array.from(x.grad!.dataSync())).toEqual([1, 0, 1, 0]);
    // The forward's scalar 0 and the backward's scalar 0 are the only fills; no second [4] buffer of zeros.
    expect(sizes.filter((size) => size === 1).length).toBeGreaterThanOrEqual(2);
  });
});

describe("adamwStep", () => {
  const backend = createCpuBackend();
  const make = () => ({ param: tensor([1, 2], { backend }), m: zeros([2], { backend }), v: zeros([2], { backend }), grad: tensor([0.5, -1], { backend }) });
  const attrs = { lr: 0.1, beta1: 0.9, beta2: 0.95, eps: 0, weightDecay: 0, decay: 0, step: 1, mode: "textbook" as const };

  it("updates param, m and v in place: the first step moves each weight by lr·sign(g)", () => {
    const t = make();
    const view = t.param.reshape([1, 2]); // a view of the same buffer follows the update
    adamwStep(t, attrs);
    expect(Array.from(view.dataSync()).map((x) => Math.round(x * 1e6) / 1e6)).toEqual([0.9, 2.1]);
    expect(Array.from(t.m.dataSync())).toEqual([Math.fround(0.05), Math.fround(-0.1)]);
    expect(Array.from(t.v.dataSync())).toEqual([Math.fround(0.05 * 0.25), Math.fround(0.05)]);
  });

  it("names what does not fit", () => {
    const t = make();
    expect(() => adamwStep({ ...t, m: zeros([3], { backend }) }, attrs)).toThrow(ShapeError);
    expect(() => adamwStep({ ...t, m: zeros([3], { backend }) }, attrs)).toThrow(/m \[3\] does not match the parameter \[2\]/);
    expect(() => adamwStep({ ...t, mask: zeros([2], { backend }) }, attrs)).toThrow(/mask has dtype f32, expected u8/);
    expect(() => adamwStep({ ...t, mask: zeros([2], { backend }) }, attrs)).toThrow(DTypeError);
    expect(() => adamwStep(t, { ...attrs, mode: "decoupled" })).toThrow(/mode "decoupled" needs a mask/);
    expect(() => adamwStep(t, { ...attrs, step: 0 })).toThrow(/1-based update count/);
  });
});

/** A cpu backend that also has SoftmaxCrossEntropy kernels written here, to test core's fused path against the decomposition. */
function withCrossEntropyKernels(): Backend {
  const cpu = createCpuBackend();
  const rowSoftmax = (x: TypedArray, start: number, width: number) => {
    let max = -Infinity;
    for (let j = 0; j < width; j++) max = Math.max(max, x[start + j]);
    let sum = 0;
    for (let j = 0; j < width; j++) sum += Math.exp(x[start + j] - max);
    return { max, sum };
  };
  type Info = BufferInfo<TypedArray>;
  return {
    ...cpu,
    kernels: {
      ...cpu.kernels,
      SoftmaxCrossEntropy: (out: Info, [logits, targets]: readonly Info[], { ignoreIndex }) => {
        const width = logits.shape[1];
        for (let n = 0; n < out.handle.length; n++) {
          const t = targets.handle[n];
          const { max, sum } = rowSoftmax(logits.handle, n * width, width);
          out.handle[n] = t === ignoreIndex ? 0 : max + Math.log(sum) - logits.handle[n * width + t];
        }
      },
      SoftmaxCrossEntropyGrad: (out: Info, [g, logits, targets]: readonly Info[], { ignoreIndex }) => {
        const width = logits.shape[1];
        for (let n = 0; n < g.handle.length; n++) {
          const t = targets.handle[n];
          const { max, sum } = rowSoftmax(logits.handle, n * width, width);
          for (let j = 0; j < width; j++) {
            out.handle[n * width + j] = t === ignoreIndex ? 0 : g.handle[n] * (Math.exp(logits.handle[n * width + j] - max) / sum - (j === t ? 1 : 0));
          }
        }
      },
    },
  };
}

describe("crossEntropy through the fused SoftmaxCrossEntropy op", () => {
  for (const reduction of ["mean", "sum", "none"] as const) {
    it(`matches the decomposition, values and gradient (${reduction}, with an ignored target)`, () => {
      const run = (backend: Backend) =>
        tidy(() => {
          const logits = tensor([0.5, -1, 2, 0.1, 0.3, 0.3, 1, -2, 4, 0, 0, 0], { shape: [2, 2, 3], backend, requiresGrad: true });
          const loss = crossEntropy(logits, tensor([2, 0, -100, 1], { shape: [2, 2], dtype: "i32", backend }), { reduction });
          (reduction === "none" ? loss.sum() : loss).backward();
          return [Array.from(loss.dataSync()), Array.from(logits.grad!.dataSync())];
        });
      const [want, got] = [run(createCpuBackend()), run(withCrossEntropyKernels())];
      got.forEach((values, k) => values.forEach((x, i) => expect(x).toBeCloseTo(want[k][i], 6)));
    });
  }
  it("refuses logits that are not [N, V] against [N] targets with a clear message", () => {
    const backend = withCrossEntropyKernels();
    expect(() => crossEntropy(tensor([1, 2], { backend }), tensor([0, 0], { dtype: "i32", backend }))).toThrow(/targets of shape \[\]/);
  });
});

function add3(a: ReturnType<typeof full>, b: ReturnType<typeof full>, c: ReturnType<typeof full>) {
  return a.add(b).add(c).add(1);
}
