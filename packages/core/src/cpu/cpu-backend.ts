import type { Backend, BackendPlugin, KernelTable } from "../backend.js";
import { DTYPES, dtypeOfArray, typedArrayFor, type TypedArray } from "../dtype.js";
import { FUSED } from "../ops/op-names.js";
import { binary, cast, expand, where } from "./elementwise.js";
import * as fused from "./fused.js";
import { addLoops, equalLoops, lessEqualLoops, lessLoops, maximumLoops, mulLoops, powLoops, unaryKernels } from "./loops.js";
import { gather, groupTopK, scatterAdd } from "./indexing.js";
import { matMul } from "./matmul.js";
import { concat, pad, permute, slice, writeSlice } from "./movement.js";
import { argMax, reduceMax, reduceSum } from "./reduce.js";
import { adamwStep, fill } from "./adamw-step.js";

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
  Fill: fill,
  AdamWStep: adamwStep,
  WriteSlice: writeSlice,
  Abs: fused.abs,
  SoftmaxKL: fused.softmaxKL,
  SoftmaxKLGrad: fused.softmaxKLGrad,
  Softmax: fused.softmax,
  SoftmaxGrad: fused.softmaxGrad,
  LogSoftmax: fused.logSoftmax,
  LogSoftmaxGrad: fused.logSoftmaxGrad,
  Gelu: fused.gelu,
  GeluGrad: fused.geluGrad,
  LayerNorm: fused.layerNorm,
  LayerNormGrad: fused.layerNormGrad,
  RMSNorm: fused.rmsNorm,
  RMSNormGrad: fused.rmsNormGrad,
  Silu: fused.silu,
  SiluGrad: fused.siluGrad,
};

const withoutFused = Object.fromEntries(
  Object.entries(kernels).filter(([name]) => !(FUSED as readonly string[]).includes(name)),
) as KernelTable<TypedArray>;

/**
 * The reference backend in plain TypeScript: readable, synchronous, and the oracle every other backend
 * is checked against. Buffers are typed arrays.
 */
export interface CpuBackendOptions {
  /**
   * Use the fused softmax/log-softmax/layerNorm/RMSNorm/GELU/SiLU kernels (default true). With false, those ops run as
   * their decompositions into primitives, which is how backends without fused kernels compute them.
   */
  fused?: boolean;
}

/**
 * Freed buffers are kept for reuse, by dtype and length: training allocates the same shapes every step, and a
 * fresh typed array costs ~15 ns per element in page faults and zeroing against ~1 ns to refill a pooled one.
 * The pool holds at most 1.25x the high-water mark of live bytes (at least this floor). A buffer freed early in
 * a step waits in the pool for a later allocation of its size while others are live, so pooled plus live
 * bytes run above the live peak: capped at the peak itself, the GPT training step of `npm run bench` dropped
 * its two 32 MiB logit-sized buffers every step and faulted them in again (16K page faults, 960-1020 ms per
 * step against 790-810 ms with the larger cap, for 5-11 MiB more peak RSS).
 */
const POOL_FLOOR_BYTES = 64 * 2 ** 20;
const POOL_PEAK_FACTOR = 1.25;

export function createCpuBackend(options: CpuBackendOptions = {}): Backend<TypedArray> {
  let live = 0;
  let liveBytes = 0;
  let peakLiveBytes = 0;
  let pooledBytes = 0;
  const moved = { hostToDeviceBytes: 0, deviceToHostBytes: 0 };
  const pool = new Map<string, TypedArray[]>();
  const table = options.fused === false ? withoutFused : kernels;
  return {
    name: "cpu",
    capabilities: { dtypes: DTYPES, syncRead: true, maxBufferBytes: 2 ** 31 - 1 },
    alloc(dtype, size) {
      live++;
      const reused = pool.get(`${dtype}:${size}`)?.pop();
      const handle = reused ? reused.fill(0) : typedArrayFor(dtype, size);
      if (reused) pooledBytes -= reused.byteLength;
      liveBytes += handle.byteLength;
      peakLiveBytes = Math.max(peakLiveBytes, liveBytes);
      return handle;
    },
    write(handle, data) {
      moved.hostToDeviceBytes += data.byteLength;
      handle.set(data);
    },
    async read(handle) {
      moved.deviceToHostBytes += handle.byteLength;
      return handle.slice();
    },
    readSync(handle) {
      moved.deviceToHostBytes += handle.byteLength;
      return handle.slice();
    },
    free(handle) {
      live--;
      liveBytes -= handle.byteLength;
      if (pooledBytes + handle.byteLength > Math.max(POOL_FLOOR_BYTES, POOL_PEAK_FACTOR * peakLiveBytes) || handle.length === 0) return;
      const key = `${dtypeOfArray(handle)}:${handle.length}`;
      const list = pool.get(key) ?? [];
      list.push(handle);
      pool.set(key, list);
      pooledBytes += handle.byteLength;
    },
    kernels: table,
    async flush() {},
    liveBuffers: () => live,
    stats: () => ({ ...moved, liveBuffers: live }),
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
