import { ConfigError, createCpuBackend, validateOptions, type Backend, type BufferInfo, type Kernel, type KernelTable, type TypedArray } from "@adaptive-sparse/core";
import { blasCandidates, GEMM_ENV, gemmModeFromEnvironment, resolveGemm } from "./gemm-path.js";
import { createAdamWStepKernel } from "./kernels/adamw-kernel.js";
import { blasGemm } from "./kernels/blas-gemm.js";
import { isMatrixVector } from "./kernels/gemm-plan.js";
import { createBinaryKernels } from "./kernels/binary-kernel.js";
import { causalSoftmaxReference, createCausalSoftmaxKernels } from "./kernels/causal-softmax-kernel.js";
import { createRotaryKernel, rotaryReference } from "./kernels/rotary-kernel.js";
import { createCrossEntropyKernels, crossEntropyReference } from "./kernels/cross-entropy-kernel.js";
import { withCpuFallback } from "./kernels/memory-fallback.js";
import { createMatMulKernel, createSparseMatMul24Kernel, type HostGemm, type HostSparse24 } from "./kernels/matmul-kernel.js";
import { createConcatKernel, createPermuteKernel, createSliceKernel } from "./kernels/permute-kernel.js";
import { createReduceSumKernel } from "./kernels/reduce-kernel.js";
import { createRowwiseKernels } from "./kernels/rowwise-kernel.js";
import { wasmGemm, type GemmDims } from "./kernels/wasm-gemm.js";
import { createCompareKernels } from "./kernels/compare-kernel.js";
import { createGroupTopKKernel } from "./kernels/group-top-k-kernel.js";
import { createSoftmaxKLKernels } from "./kernels/softmax-kl-kernel.js";
import { createWhereKernel } from "./kernels/where-kernel.js";
import { WRITES_WHOLE_OUTPUT } from "./kernels/whole-output.js";
import { wasmBackendOptionsSchema, type WasmBackendOptions } from "./options.js";
import { checkSparse24, type Compressed24Weight } from "./sparse24/compressed24.js";
import { blasSparse24 } from "./sparse24/blas-sparse24.js";
import { SPARSE_GEMV_MAX_ROWS, wasmSparse24 } from "./sparse24/wasm-sparse24.js";
import { describeOperands, withTrapContext } from "./trap-context.js";
import { WasmEngine } from "./wasm/engine.js";
import type { MemoryBuffers } from "./wasm/memory-buffers.js";
import { relaxedSimdSupported } from "./wasm/kernel-module.js";
import type { OperandSource } from "./wasm/operands.js";

/** The wasm backend: core's Backend contract plus what it ran with and direct host-array entry points. */
export interface WasmBackend extends Backend<TypedArray> {
  /** Threads the wasm kernels use (1 without a worker pool). */
  readonly threads: number;
  /** Which GEMM the f32 MatMul kernel runs. */
  readonly gemmPath: "wasm" | "blas";
  /** The BLAS library file in use, or null on the wasm path. */
  readonly blasLibrary: string | null;
  /** Whether the wasm kernels are the relaxed-SIMD (fused multiply-add) build. */
  readonly relaxedSimd: boolean;
  /**
   * f32 `C = op(A) · op(B)` on host arrays through the active GEMM path (a batch of one; C overwritten).
   * @param a [m, k] ([k, m] with transA); b [k, n] ([n, k] with transB); c [m, n].
   */
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, dims: GemmDims): void;
  /**
   * y = x · Wᵀ for a 2:4-compressed W [rows, cols] (the @adaptive-sparse/io layout), on host arrays.
   * @param x [m, cols] row-major. @returns y [m, rows].
   * @throws ShapeError when the arrays do not match the weight's shape.
   */
  sparseMatMul24(x: Float32Array, weight: Compressed24Weight): Float32Array;
  /** Bytes of operands resident in WebAssembly memory now (see the residentBytes option). */
  residentBytes(): number;
  /** Stops the worker threads (idle workers never keep Node alive; this frees them early). */
  dispose(): void;
}

/**
 * Creates the fast CPU backend: buffers are typed arrays (like `cpu`'s) that live in the kernels' shared
 * WebAssembly memory where there is one (Node with worker threads; host arrays otherwise), every kernel is the cpu
 * backend's except the hot ones: MatMul (f32) runs a packed, cache-blocked WebAssembly SIMD GEMM on a
 * worker pool, or `cblas_sgemm` of a system BLAS; SparseMatMul24 runs 2:4 kernels in WebAssembly; the
 * fused GELU, softmax, log-softmax and layer-norm kernels and their gradients, the fused AdamW update,
 * Permute and Where run in WebAssembly (SIMD) on the pool (f32).
 *
 * @param options threads (default: all hardware threads), gemm (`auto` | `blas` | `wasm`; default
 *   ADAPTIVE_SPARSE_GEMM, else `auto`), residentBytes (operands kept in wasm memory between calls,
 *   default 1 GiB), relaxedSimd (default: where supported), blasLibraries (override the library search
 *   list).
 * @returns a ready backend (its worker threads are started).
 * @throws ConfigError for unknown or invalid options, or relaxedSimd: true where unsupported;
 *   BlasUnavailableError when `blas` is forced and no library loads.
 * @example
 * const backend = await createWasmBackend({ gemm: "wasm" });
 * setDefaultBackend(backend);
 * const y = matmul(randn([256, 512]), randn([512, 128])); // runs the wasm GEMM
 */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const settings = validateOptions('backend "wasm"', wasmBackendOptionsSchema, options);
  const fromEnvironment = gemmModeFromEnvironment();
  const mode = settings.gemm ?? fromEnvironment ?? "auto";
  const source = settings.gemm ? `option gemm: "${settings.gemm}"` : fromEnvironment ? `${GEMM_ENV}=${fromEnvironment}` : "default";
  const platform = typeof process === "undefined" ? "browser" : process.platform;
  const blas = await resolveGemm(mode, blasCandidates(settings.blasLibraries, platform), source);
  if (settings.relaxedSimd && !relaxedSimdSupported()) {
    throw new ConfigError(
      'backend "wasm": relaxedSimd: true, but this runtime does not support WebAssembly relaxed SIMD; use Node 22+ (or start Node 20 with --experimental-wasm-relaxed-simd), or leave the option unset',
    );
  }
  const engine = await WasmEngine.create(settings.threads, settings.residentBytes ?? DEFAULT_RESIDENT_BYTES, settings.relaxedSimd);
  blas?.setThreads(settings.threads ?? engine.threads);

  // Kernels see buffers this backend owns, so their operands may stay resident; the host-array methods
  // below get caller-owned arrays that can change between calls, so they always copy.
  const gemmWith = (operands: () => OperandSource): HostGemm =>
    blas
      ? (a, b, c, dims, aIndex, bIndex) => {
          // A BLAS call that spreads over threads should not share its cores with our spinning workers; a
          // tiny one (attention at one position) runs on one thread, and parking would only cost the next
          // wasm kernel a worker wake-up.
          const macs = aIndex.length * dims.m * dims.n * dims.k;
          // Attention's per-head products: one pool run instead of a library call per head.
          if (aIndex.length > 1 && macs < WASM_BATCHED_BELOW_MACS) return wasmGemm(engine, operands(), a, b, c, dims, aIndex, bIndex);
          if (gemvOnWasm(engine, a, b, dims)) return wasmGemm(engine, operands(), a, b, c, dims, aIndex, bIndex);
          if (macs >= PARK_BEFORE_BLAS_MACS) engine.park();
          blasGemm(blas, a, b, c, dims, aIndex, bIndex);
        }
      : (a, b, c, dims, aIndex, bIndex) => wasmGemm(engine, operands(), a, b, c, dims, aIndex, bIndex);
  // Decode rows run the wasm 2:4 GEMV; prefill unpacks W for the BLAS where one loaded.
  const sparseWith = (operands: () => OperandSource): HostSparse24 => (x, weight, m, y) =>
    blas && m > SPARSE_GEMV_MAX_ROWS ? blasSparse24(engine, operands(), blas, x, weight, m, y) : wasmSparse24(engine, operands(), x, weight, m, y);
  const resident = () => engine.resident;
  const temporary = () => engine.temporary();
  // Buffers in wasm memory and host-array ones (past the memory's limit) both count.
  const liveBuffers = () => cpu.liveBuffers() + (engine.buffers?.live ?? 0);

  const cpu = createCpuBackend();
  const kernels = invalidatingOutputs(
    {
      ...cpu.kernels,
      ...withCpuFallback(
        {
          ...createRowwiseKernels(engine, cpu.kernels),
          ...createBinaryKernels(engine, cpu.kernels),
          ReduceSum: createReduceSumKernel(engine, cpu.kernels),
          AdamWStep: createAdamWStepKernel(engine, cpu.kernels),
          Permute: createPermuteKernel(engine, cpu.kernels),
          Slice: createSliceKernel(engine, cpu.kernels),
          Concat: createConcatKernel(engine, cpu.kernels),
          Where: createWhereKernel(engine, cpu.kernels),
          GroupTopK: createGroupTopKKernel(engine, cpu.kernels),
          ...createCompareKernels(engine, cpu.kernels),
          ...createSoftmaxKLKernels(engine, cpu.kernels),
          ...createCausalSoftmaxKernels(engine),
          ...createCrossEntropyKernels(engine),
          Rotary: createRotaryKernel(engine),
        },
        // The fused ops the cpu backend lacks fall back to plain loops.
        { ...cpu.kernels, ...causalSoftmaxReference, ...crossEntropyReference, Rotary: rotaryReference },
      ),
      // (The GEMMs have their own way out: evict resident operands, then one matrix at a time.)
      MatMul: createMatMulKernel(gemmWith(resident), cpu.kernels.MatMul),
      SparseMatMul24: createSparseMatMul24Kernel(sparseWith(resident)),
    },
    (handle) => engine.resident.invalidate(handle),
    engine.buffers,
  );
  const hostGemm = gemmWith(temporary);
  const hostSparse = sparseWith(temporary);
  return {
    ...cpu,
    name: "wasm",
    alloc: (dtype, size) => engine.buffers?.alloc(dtype, size) ?? cpu.alloc(dtype, size),
    write(handle, data) {
      engine.resident.invalidate(handle);
      if (data.length === handle.length) engine.buffers?.overwritten(handle);
      else engine.buffers?.settle(handle);
      cpu.write(handle, data);
    },
    read(handle, dtype, size) {
      engine.buffers?.settle(handle);
      return cpu.read(handle, dtype, size);
    },
    readSync(handle, dtype, size) {
      engine.buffers?.settle(handle);
      return cpu.readSync!(handle, dtype, size);
    },
    free(handle) {
      engine.resident.invalidate(handle);
      if (!engine.buffers?.free(handle)) cpu.free(handle);
    },
    liveBuffers,
    stats: () => ({ ...cpu.stats(), liveBuffers: liveBuffers() }),
    kernels,
    threads: engine.threads,
    gemmPath: blas ? "blas" : "wasm",
    blasLibrary: blas?.library ?? null,
    relaxedSimd: engine.relaxed,
    gemm(a, b, c, dims) {
      // A caller may pass a tensor's buffer: it gets its zeros first, as for any read.
      for (const array of [a, b, c]) engine.buffers?.settle(array);
      withTrapContext("backend.gemm", () => `m ${dims.m}, n ${dims.n}, k ${dims.k}, transA ${dims.transA}, transB ${dims.transB}`, () => hostGemm(a, b, c, dims, [0], [0]));
    },
    sparseMatMul24(x, weight) {
      engine.buffers?.settle(x);
      const m = checkSparse24("sparseMatMul24", x, weight);
      const y = new Float32Array(m * weight.rows);
      withTrapContext("backend.sparseMatMul24", () => `x f32[${m},${weight.cols}], W 2:4 [${weight.rows},${weight.cols}]`, () => hostSparse(x, weight, m, y));
      return y;
    },
    residentBytes: () => engine.resident.residentBytes,
    dispose: () => engine.dispose(),
  };
}

/** Multiply-adds from which a BLAS call gets the cores to itself (the pool's idle workers are parked first). */
const PARK_BEFORE_BLAS_MACS = 1 << 18;

/**
 * Multiply-adds below which a batched product (attention's, one matrix per head) runs on the wasm GEMM even
 * where a BLAS loaded: the library is called once per matrix, each call a few microseconds of its own and its
 * threads' hand-off. At 2 threads (AMD EPYC): a GPT forward's 4 heads of 128 x 128 x 64 took 0.23 ms through
 * OpenBLAS between the forward's other kernels and 0.10-0.11 ms here; a GPT-2 124M decode's 24 per-token
 * products at 265 cached positions 1.3 against 0.7 ms a token. A training step's (64 heads of 1M) stay on the
 * library.
 */
const WASM_BATCHED_BELOW_MACS = 1 << 23;

/**
 * Matrix-vector products (isMatrixVector) run on the wasm GEMV even where a BLAS loaded, when the matrix lives in
 * wasm memory (a backend buffer; a host array would be copied in on every call, and the library reads it in
 * place). Ours reads a weight from memory as fast as OpenBLAS's sgemv (4096² on 2 threads, AMD EPYC: 1.30 against
 * 1.35 ms), and keeping decode off the library keeps its threads, which spin after each call, off the cores the
 * pool's next kernel needs: a GPT-2 124M-shaped model's dense `generate` decode took 13.2 instead of 13.9 ms a
 * token, a one-position forward 12.7 instead of 13.4 (interleaved in one process).
 */
const gemvOnWasm = (engine: WasmEngine, a: Float32Array, b: Float32Array, dims: GemmDims): boolean =>
  isMatrixVector(dims) && engine.addressOf(dims.m === 1 ? b : a) !== null;

/** Default of the residentBytes option. */
const DEFAULT_RESIDENT_BYTES = 2 ** 30;

/**
 * Wraps every kernel so that its output buffer's resident copy is dropped after it runs: kernels are,
 * with write(), the only way a buffer's contents change (nn's copyInto, for one, writes parameters
 * through the Cast kernel into an existing buffer). A trap is rethrown naming the op and its operands.
 * With `buffers`, a fresh buffer gets its zeros before a kernel reads it or writes only part of it.
 */
export function invalidatingOutputs(table: KernelTable<TypedArray>, invalidate: (handle: TypedArray) => void, buffers: Pick<MemoryBuffers, "settle" | "overwritten"> | null = null): KernelTable<TypedArray> {
  const wrapped: Record<string, unknown> = {};
  for (const [name, kernel] of Object.entries(table) as [string, Kernel<unknown, TypedArray>][]) {
    const whole = WRITES_WHOLE_OUTPUT.has(name);
    wrapped[name] = (out: BufferInfo<TypedArray> | readonly BufferInfo<TypedArray>[], inputs: readonly BufferInfo<TypedArray>[], attrs: unknown) => {
      if (buffers) {
        for (const input of inputs) buffers.settle(input.handle);
        if (Array.isArray(out)) for (const info of out as readonly BufferInfo<TypedArray>[]) buffers.settle(info.handle);
        else if (whole) buffers.overwritten((out as BufferInfo<TypedArray>).handle);
        else buffers.settle((out as BufferInfo<TypedArray>).handle);
      }
      try {
        withTrapContext(name, () => describeOperands(out, inputs), () => (kernel as (o: typeof out, i: typeof inputs, a: unknown) => void)(out, inputs, attrs));
      } finally {
        // In-place kernels (AdamWStep) change every one of their targets.
        for (const info of Array.isArray(out) ? out : [out]) invalidate(info.handle);
      }
    };
  }
  return wrapped as KernelTable<TypedArray>;
}
