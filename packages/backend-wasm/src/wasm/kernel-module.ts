import { KERNELS_WASM_SHARED, KERNELS_WASM_SHARED_RELAXED, KERNELS_WASM_SINGLE, KERNELS_WASM_SINGLE_RELAXED } from "../generated/kernels-wasm.js";

/** The functions and constants the compiled AssemblyScript module exports (see assembly/index.ts). */
export interface KernelExports {
  /** Runs one 64-byte task descriptor at `task` with `work` bytes of per-thread scratch. */
  runTask(task: number, work: number): void;
  taskWorkBytes(): number;
  tileRows(): number;
  tileCols(): number;
  zeroBytes(pointer: number, bytes: number): void;
  buildPairTable(k: number, x: number, table: number): void;
  pairTableBytes(k: number): number;
  prepareSparse24(rows: number, k: number, block: number, values: number, indices: number, outValues: number, outCodes: number): void;
  preparedValuesBytes(rows: number, k: number): number;
  preparedCodesBytes(rows: number, k: number): number;
  sparse24GemvBlocks(k: number, block: number): number;
  sparse24BlockOctets(k: number, pieces: number): number;
  sumPartials(rows: number, pieces: number, n: number, partial: number, y: number): void;
  readonly TASK_BYTES: WebAssembly.Global;
  readonly TASK_GEMM: WebAssembly.Global;
  readonly TASK_GEMV_DOT: WebAssembly.Global;
  readonly TASK_GEMV_AXPY: WebAssembly.Global;
  readonly TASK_SPARSE24_GEMV: WebAssembly.Global;
  readonly TASK_SPARSE24_GEMM: WebAssembly.Global;
  readonly TASK_ROWWISE: WebAssembly.Global;
  readonly TASK_BINARY: WebAssembly.Global;
  readonly TASK_REDUCE_SUM: WebAssembly.Global;
  readonly TASK_ADAMW: WebAssembly.Global;
  readonly TASK_GATHER_ROWS: WebAssembly.Global;
  readonly TASK_WHERE: WebAssembly.Global;
  readonly TASK_CAUSAL_SOFTMAX: WebAssembly.Global;
  readonly TASK_CROSS_ENTROPY: WebAssembly.Global;
  readonly TASK_UNPACK24: WebAssembly.Global;
  readonly TASK_COPY_ROWS: WebAssembly.Global;
  readonly TASK_ROTARY: WebAssembly.Global;
  readonly TASK_GROUP_TOP_K4: WebAssembly.Global;
  readonly TASK_COMPARE: WebAssembly.Global;
  readonly TASK_SOFTMAX_KL: WebAssembly.Global;
  readonly CMP_LT: WebAssembly.Global;
  readonly CMP_LE: WebAssembly.Global;
  readonly CMP_EQ: WebAssembly.Global;
  readonly CMP_GT: WebAssembly.Global;
  readonly CMP_GE: WebAssembly.Global;
  readonly ADAMW_TEXTBOOK: WebAssembly.Global;
  readonly ADAMW_GRADIENT: WebAssembly.Global;
  readonly ADAMW_DECOUPLED: WebAssembly.Global;
  readonly ADAMW_REFERENCE_INT_NOT: WebAssembly.Global;
  readonly ADAMW_SGD: WebAssembly.Global;
  readonly ADAMW_SCALARS: WebAssembly.Global;
  readonly BIN_ADD: WebAssembly.Global;
  readonly BIN_MUL: WebAssembly.Global;
  readonly BIN_SAME: WebAssembly.Global;
  readonly BIN_ROW: WebAssembly.Global;
  readonly BIN_COL: WebAssembly.Global;
  readonly BIN_SCALAR: WebAssembly.Global;
  readonly ROW_GELU: WebAssembly.Global;
  readonly ROW_GELU_GRAD: WebAssembly.Global;
  readonly ROW_SOFTMAX: WebAssembly.Global;
  readonly ROW_LOG_SOFTMAX: WebAssembly.Global;
  readonly ROW_SOFTMAX_GRAD: WebAssembly.Global;
  readonly ROW_LOG_SOFTMAX_GRAD: WebAssembly.Global;
  readonly ROW_LAYER_NORM: WebAssembly.Global;
  readonly ROW_LAYER_NORM_GRAD: WebAssembly.Global;
  readonly ROW_RMS_NORM: WebAssembly.Global;
  readonly ROW_RMS_NORM_GRAD: WebAssembly.Global;
  readonly ROW_SILU: WebAssembly.Global;
  readonly ROW_SILU_GRAD: WebAssembly.Global;
  readonly ROW_ABS: WebAssembly.Global;
}

/** Largest memory the modules declare (pages of 64 KiB): 4 GiB, all wasm32 addresses (see scripts/build-wasm.mjs). */
export const MAXIMUM_PAGES = 65536;

/** Which build: for a shared memory (worker pool) or not, with relaxed SIMD (fused multiply-add) or not. */
export interface KernelVariant {
  readonly shared: boolean;
  readonly relaxed: boolean;
}

const SOURCES = {
  "shared": KERNELS_WASM_SHARED,
  "single": KERNELS_WASM_SINGLE,
  "shared-relaxed": KERNELS_WASM_SHARED_RELAXED,
  "single-relaxed": KERNELS_WASM_SINGLE_RELAXED,
} as const;

const keyOf = ({ shared, relaxed }: KernelVariant) => `${shared ? "shared" : "single"}${relaxed ? "-relaxed" : ""}` as keyof typeof SOURCES;
const compiled = new Map<string, WebAssembly.Module>();
let relaxedSupport: boolean | undefined;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Whether this runtime accepts relaxed SIMD: Node 22+, Chrome 114+, or Node 20 started with
 * `--experimental-wasm-relaxed-simd`. Checked by validating the relaxed build itself.
 */
export function relaxedSimdSupported(): boolean {
  relaxedSupport ??= WebAssembly.validate(decode(SOURCES["single-relaxed"]));
  return relaxedSupport;
}

/**
 * For applications on Node 20-21: turns on V8's relaxed-SIMD support (shipped by default from Node 22) for
 * this process, so backends created afterwards use the fused multiply-add build (1.2-1.5x the GEMM
 * throughput). V8 flags are process-wide, which is why libraries leave this to the application (the
 * `adaptive-sparse` CLI and the example call it). A no-op where relaxed SIMD already works or outside Node.
 * @returns whether relaxed SIMD is supported now.
 */
export async function enableRelaxedSimdInNode(): Promise<boolean> {
  if (relaxedSimdSupported() || typeof process === "undefined" || !process.versions?.node) return relaxedSimdSupported();
  const { setFlagsFromString } = await import("node:v8");
  setFlagsFromString("--experimental-wasm-relaxed-simd");
  relaxedSupport = undefined;
  return relaxedSimdSupported();
}

/**
 * The compiled kernels of one variant, compiled once per process. Async compilation works everywhere;
 * browsers refuse synchronous compilation of modules this size on their main thread, which is why
 * {@link kernelModuleSync} is for Node and workers only.
 */
export async function kernelModule(variant: KernelVariant): Promise<WebAssembly.Module> {
  let module = compiled.get(keyOf(variant));
  if (!module) {
    module = await WebAssembly.compile(decode(SOURCES[keyOf(variant)]));
    compiled.set(keyOf(variant), module);
  }
  return module;
}

/** Synchronous variant of {@link kernelModule} (Node, or inside a worker). */
export function kernelModuleSync(variant: KernelVariant): WebAssembly.Module {
  let module = compiled.get(keyOf(variant));
  if (!module) {
    module = new WebAssembly.Module(decode(SOURCES[keyOf(variant)]));
    compiled.set(keyOf(variant), module);
  }
  return module;
}

/** Instantiates the kernels over `memory` (which must match the module's shared flag). */
export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
