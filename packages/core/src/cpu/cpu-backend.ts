import type { Backend, BackendPlugin, KernelTable } from "../backend.js";
import { DTYPES, typedArrayFor, type TypedArray } from "../dtype.js";
import { binary, cast, expand, where } from "./elementwise.js";
import { addLoops, equalLoops, lessEqualLoops, lessLoops, maximumLoops, mulLoops, powLoops, unaryKernels } from "./loops.js";
import { gather, groupTopK, scatterAdd } from "./indexing.js";
import { matMul } from "./matmul.js";
import { concat, pad, permute, slice } from "./movement.js";
import { argMax, reduceMax, reduceSum } from "./reduce.js";

const kernels: KernelTable<TypedArray> = {
  ...unaryKernels,
  Cast: cast,
  Add: binary(addLoops),
  Mul: binary(mulLoops),
  Pow: binary(powLoops),
  Maximum: binary(maximumLoops),
  CmpLt: binary(lessLoops),
  CmpLe: binary(lessEqualLoops),
  CmpEq: binary(equalLoops),
  Where: where,
  ReduceSum: reduceSum,
  ReduceMax: reduceMax,
  ArgMax: argMax,
  Permute: permute,
  Expand: expand,
  Slice: slice,
  Pad: pad,
  Concat: concat,
  MatMul: matMul,
  Gather: gather,
  ScatterAdd: scatterAdd,
  GroupTopK: groupTopK,
};

/**
 * The reference backend in plain TypeScript: readable, synchronous, and the oracle every other backend
 * is checked against. Buffers are typed arrays.
 */
export function createCpuBackend(): Backend<TypedArray> {
  let live = 0;
  return {
    name: "cpu",
    capabilities: { dtypes: DTYPES, syncRead: true, maxBufferBytes: 2 ** 31 - 1 },
    alloc(dtype, size) {
      live++;
      return typedArrayFor(dtype, size);
    },
    write(handle, data) {
      handle.set(data);
    },
    async read(handle) {
      return handle.slice();
    },
    readSync(handle) {
      return handle.slice();
    },
    free() {
      live--;
    },
    kernels,
    async flush() {},
    liveBuffers: () => live,
  };
}

/** Registry entry for the cpu backend (lowest priority: any faster backend wins by default). */
export const cpuBackendPlugin: BackendPlugin = {
  name: "cpu",
  apiVersion: 1,
  priority: 0,
  isAvailable: () => true,
  create: () => createCpuBackend(),
};
