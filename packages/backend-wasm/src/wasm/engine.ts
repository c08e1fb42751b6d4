import { WasmKernelError } from "../errors.js";
import { MAX_TASKS } from "../threads/control.js";
import { createSerialRunner, startThreadPool, type PoolTestHooks, type TaskRunner } from "../threads/pool.js";
import type { TypedArray } from "@adaptive-sparse/core";
import { Arena } from "./arena.js";
import { KERNEL_HEADROOM_BYTES, MemoryBuffers } from "./memory-buffers.js";
import { MAXIMUM_PAGES, instantiateKernels, kernelModule, kernelModuleSync, relaxedSimdSupported, type KernelExports } from "./kernel-module.js";
import { ResidentOperands, temporaryOperands, type OperandSource } from "./operands.js";
import { ROWWISE_OPS, type RowwiseOp } from "../kernels/rowwise-ops.js";

/** Task kinds, read from the module so JavaScript and AssemblyScript cannot disagree. */
export interface TaskKinds {
  readonly gemm: number;
  readonly gemvDot: number;
  readonly gemvAxpy: number;
  readonly sparse24Gemv: number;
  readonly sparse24Gemm: number;
  readonly rowwise: number;
  readonly binary: number;
  readonly reduceSum: number;
  readonly adamw: number;
  readonly gatherRows: number;
  readonly where: number;
  readonly causalSoftmax: number;
  readonly crossEntropy: number;
  readonly unpack24: number;
  readonly copyRows: number;
  readonly rotary: number;
  readonly groupTopK4: number;
  readonly compare: number;
  readonly softmaxKL: number;
}

/** Codes of the broadcasting Add/Mul kernel (BIN_* in assembly/binary.ts). */
export interface BinaryCodes {
  readonly add: number;
  readonly mul: number;
  readonly same: number;
  readonly row: number;
  readonly col: number;
  readonly scalar: number;
}

/** Int32 fields per task descriptor (TASK_BYTES / 4). */
export const TASK_FIELDS = 16;

/** How a kernel uses an array: reads it, writes all of it, or both (an in-place update). */
export type Access = "in" | "out" | "inout";

/** An operand of a row-wise kernel (placeRows): the array, its access, and its elements per row (0: read whole). */
export type RowOperand = readonly [TypedArray, Access, number];

/**
 * Bytes of host arrays placeRows copies into wasm memory at a time. Once a large model's buffers fill wasm
 * memory its tensors are host arrays, and a GPT-2 124M step's cross-entropy (412 MB of logits, their gradient
 * as large) did not fit whole: it ran in the JavaScript reference kernels, 2.6 s of an 11.7 s step.
 */
const HOST_CHUNK_BYTES = 32 * 2 ** 20;

/** Appends one task descriptor (kind, then its fields) to `tasks`, zero-padded to TASK_FIELDS. */
export function pushTask(tasks: number[], ...fields: number[]): void {
  for (let i = 0; i < TASK_FIELDS; i++) tasks.push(fields[i] ?? 0);
}

/** Loads node:worker_threads where a blocking pool can work: Node (or Deno/Bun) with SharedArrayBuffer. */
async function workerThreadsModule(): Promise<typeof import("node:worker_threads") | null> {
  if (typeof SharedArrayBuffer === "undefined") return null;
  // Browsers: the main thread may not Atomics.wait, and synchronous kernels need it, so no pool there.
  if (typeof process === "undefined" || !process.versions?.node) return null;
  try {
    return await import("node:worker_threads");
  } catch {
    return null;
  }
}

/** Hardware threads available to this process (1 where unknown). */
export async function defaultThreadCount(): Promise<number> {
  try {
    const os = await import("node:os");
    return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  } catch {
    return Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
  }
}

/** Memory, kernels, allocator and per-thread scratch for an engine with `threads` threads. */
function setUp(module: WebAssembly.Module, shared: boolean, threads: number) {
  // 64 pages = 4 MiB to start; the arena grows the memory as operands arrive.
  const memory = new WebAssembly.Memory({ initial: 64, maximum: MAXIMUM_PAGES, shared } as WebAssembly.MemoryDescriptor);
  const kernels = instantiateKernels(module, memory);
  const arena = new Arena(memory, MAXIMUM_PAGES);
  const stride = Math.ceil(kernels.taskWorkBytes() / 64) * 64;
  const scratch = { base: arena.alloc(stride * threads), stride };
  return { memory, kernels, arena, scratch };
}

/**
 * One instance of the kernels with its linear memory, an allocator over it and a task runner (a
 * worker pool over a shared memory, or the calling thread alone). All host data is copied in, computed
 * on, and copied out: O(n²) copies against O(n³) arithmetic for a GEMM.
 */
export class WasmEngine {
  readonly kinds: TaskKinds;
  /** The row kernel code of each fused op (ROW_* in assembly/rowwise.ts). */
  readonly rowOps: Readonly<Record<RowwiseOp, number>>;
  readonly binaryCodes: BinaryCodes;
  /** Codes of the compare kernel (CMP_* in assembly/compare.ts). */
  readonly compareCodes: Readonly<Record<"lt" | "le" | "eq" | "gt" | "ge", number>>;
  readonly tileRows: number;
  readonly tileCols: number;
  /** Operands kept in linear memory between calls (used by the backend's kernels only). */
  readonly resident: ResidentOperands;
  /** The backend's buffers in this memory (null for an unshared memory, whose views growth would detach). */
  readonly buffers: MemoryBuffers | null;
  private readonly taskBytes: number;
  /** placeRows's slice size (tests set it small to reach the sliced path with small arrays). */
  hostChunkBytes = HOST_CHUNK_BYTES;

  private constructor(
    readonly kernels: KernelExports,
    readonly memory: WebAssembly.Memory,
    readonly arena: Arena,
    private readonly runner: TaskRunner,
    residentBytes: number,
    /** Whether the kernels are the relaxed-SIMD (fused multiply-add) build. */
    readonly relaxed: boolean,
  ) {
    this.taskBytes = kernels.TASK_BYTES.value as number;
    this.kinds = {
      gemm: kernels.TASK_GEMM.value as number,
      gemvDot: kernels.TASK_GEMV_DOT.value as number,
      gemvAxpy: kernels.TASK_GEMV_AXPY.value as number,
      sparse24Gemv: kernels.TASK_SPARSE24_GEMV.value as number,
      sparse24Gemm: kernels.TASK_SPARSE24_GEMM.value as number,
      rowwise: kernels.TASK_ROWWISE.value as number,
      binary: kernels.TASK_BINARY.value as number,
      reduceSum: kernels.TASK_REDUCE_SUM.value as number,
      adamw: kernels.TASK_ADAMW.value as number,
      gatherRows: kernels.TASK_GATHER_ROWS.value as number,
      where: kernels.TASK_WHERE.value as number,
      causalSoftmax: kernels.TASK_CAUSAL_SOFTMAX.value as number,
      crossEntropy: kernels.TASK_CROSS_ENTROPY.value as number,
      unpack24: kernels.TASK_UNPACK24.value as number,
      copyRows: kernels.TASK_COPY_ROWS.value as number,
      rotary: kernels.TASK_ROTARY.value as number,
      groupTopK4: kernels.TASK_GROUP_TOP_K4.value as number,
      compare: kernels.TASK_COMPARE.value as number,
      softmaxKL: kernels.TASK_SOFTMAX_KL.value as number,
    };
    const code = (global: WebAssembly.Global) => global.value as number;
    this.binaryCodes = { add: code(kernels.BIN_ADD), mul: code(kernels.BIN_MUL), same: code(kernels.BIN_SAME), row: code(kernels.BIN_ROW), col: code(kernels.BIN_COL), scalar: code(kernels.BIN_SCALAR) };
    this.compareCodes = { lt: code(kernels.CMP_LT), le: code(kernels.CMP_LE), eq: code(kernels.CMP_EQ), gt: code(kernels.CMP_GT), ge: code(kernels.CMP_GE) };
    const rowOps: Partial<Record<RowwiseOp, number>> = {};
    for (const [op, name] of Object.entries(ROWWISE_OPS) as [RowwiseOp, keyof KernelExports][]) rowOps[op] = (kernels[name] as WebAssembly.Global).value as number;
    this.rowOps = rowOps as Record<RowwiseOp, number>;
    this.tileRows = kernels.tileRows();
    this.tileCols = kernels.tileCols();
    this.resident = new ResidentOperands(arena, residentBytes);
    const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
    const limit = MAXIMUM_PAGES * 65536 - KERNEL_HEADROOM_BYTES;
    this.buffers = shared ? new MemoryBuffers(memory, arena, limit, kernels.zeroBytes) : null;
  }

  /** Threads a run uses (1 without a pool). */
  get threads(): number {
    return this.runner.threads;
  }

  /**
   * Creates an engine with `threads` threads (default: every hardware thread), up to `residentBytes` of
   * operands kept resident, and the relaxed-SIMD build where the runtime supports it (unless `relaxed`
   * is false). Falls back to one thread where a blocking pool is impossible (browsers, no
   * SharedArrayBuffer).
   */
  static async create(threads?: number, residentBytes = 0, relaxed?: boolean, hooks?: PoolTestHooks): Promise<WasmEngine> {
    const wanted = threads ?? (await defaultThreadCount());
    const workerThreads = wanted > 1 ? await workerThreadsModule() : null;
    const variant = { shared: workerThreads !== null, relaxed: relaxed ?? relaxedSimdSupported() };
    const module = await kernelModule(variant);
    const parts = setUp(module, variant.shared, workerThreads ? wanted : 1);
    const runner = workerThreads
      ? await startThreadPool(workerThreads, module, parts.memory, parts.kernels, wanted, parts.scratch, hooks)
      : createSerialRunner(parts.kernels, parts.scratch);
    return new WasmEngine(parts.kernels, parts.memory, parts.arena, runner, residentBytes, variant.relaxed);
  }

  /** A single-thread engine built synchronously (Node, or a worker: browsers refuse sync compiles). */
  static createSync(): WasmEngine {
    const variant = { shared: false, relaxed: relaxedSimdSupported() };
    const parts = setUp(kernelModuleSync(variant), false, 1);
    return new WasmEngine(parts.kernels, parts.memory, parts.arena, createSerialRunner(parts.kernels, parts.scratch), 0, variant.relaxed);
  }

  /** An operand source that copies everything for one call (for caller-owned host arrays). */
  temporary(): OperandSource {
    return temporaryOperands(this.arena);
  }

  /** A Float32Array over `length` floats at byte offset `pointer` (re-created: memory may have grown). */
  f32(pointer: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, pointer, length);
  }

  /** The byte address of `array` when it is a view of this engine's memory (a backend buffer), else null. */
  addressOf(array: TypedArray): number | null {
    return this.buffers?.contains(array) ? array.byteOffset : null;
  }

  /**
   * Runs `body` with an address for each array: its own when it already lives in this memory (a backend
   * buffer: nothing is copied), else a temporary block, filled from the array first unless the kernel only
   * writes it ("out"), and copied back afterwards unless the kernel only reads it ("in").
   */
  place<T>(arrays: readonly (readonly [TypedArray, Access])[], body: (pointers: number[]) => T): T {
    const pointers: number[] = [];
    const copies: [number, TypedArray, Access][] = [];
    try {
      for (const [array, access] of arrays) {
        const own = this.addressOf(array);
        if (own !== null) {
          pointers.push(own);
          continue;
        }
        const pointer = this.arena.alloc(array.byteLength);
        copies.push([pointer, array, access]);
        pointers.push(pointer);
        if (access !== "out") this.bytes(pointer, array.byteLength).set(bytesOf(array));
      }
      const result = body(pointers);
      for (const [pointer, array, access] of copies) if (access !== "in") bytesOf(array).set(this.bytes(pointer, array.byteLength));
      return result;
    } finally {
      for (const [pointer] of copies) this.arena.free(pointer);
    }
  }

  /**
   * `place` for a kernel whose rows are independent: runs `body(pointers, first, count)` over rows `first` to
   * `first + count` of every operand, each pointer at row `first` of its array (an operand with 0 elements per
   * row is placed whole). Backend buffers are used in place; host arrays of more than hostChunkBytes in all
   * are placed a slice of rows at a time, so their temporary blocks stay small.
   */
  placeRows(rows: number, operands: readonly RowOperand[], body: (pointers: number[], first: number, count: number) => void): void {
    const hostBytesPerRow = operands.reduce((sum, [array, , perRow]) => sum + (this.addressOf(array) === null ? perRow * array.BYTES_PER_ELEMENT : 0), 0);
    const step = hostBytesPerRow * rows <= this.hostChunkBytes ? rows : Math.max(1, Math.floor(this.hostChunkBytes / hostBytesPerRow));
    for (let first = 0; first < rows; first += step) {
      const count = Math.min(step, rows - first);
      const slices = operands.map(([array, access, perRow]) => [perRow === 0 || count === rows ? array : array.subarray(first * perRow, (first + count) * perRow), access] as const);
      this.place(slices, (pointers) => body(pointers, first, count));
    }
  }

  /** A Uint8Array over `length` bytes at `pointer`. */
  bytes(pointer: number, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, pointer, length);
  }

  /** "relaxed SIMD" or "baseline SIMD": the build, as trap messages name it. */
  get build(): string {
    return this.relaxed ? "relaxed SIMD" : "baseline SIMD";
  }

  /**
   * Runs task descriptors (TASK_FIELDS int32 each) on the runner's threads, in runs of fewer than
   * MAX_TASKS. A trap comes out as WasmKernelError naming the task's kind and the SIMD build.
   */
  runTasks(tasks: Int32Array): void {
    const count = tasks.length / TASK_FIELDS;
    const most = MAX_TASKS - 1;
    for (let first = 0; first < count; first += most) {
      const part = tasks.subarray(first * TASK_FIELDS, Math.min(count, first + most) * TASK_FIELDS);
      const pointer = this.arena.alloc(part.length * 4);
      try {
        new Int32Array(this.memory.buffer, pointer, part.length).set(part);
        this.runner.run(pointer, part.length / TASK_FIELDS);
      } catch (error) {
        if (!(error instanceof WasmKernelError)) throw error;
        const { task, taskIndex } = error.trap;
        const kind = taskIndex === undefined ? undefined : this.kindName(part[taskIndex * TASK_FIELDS]!);
        throw new WasmKernelError({ ...error.trap, build: this.build, task: kind ? `${task}, kind ${kind}` : task });
      } finally {
        this.arena.free(pointer);
      }
    }
  }

  /** The name of a task kind code ("gemm", "rowwise", ...), or the code itself when unknown. */
  private kindName(code: number): string {
    const entry = Object.entries(this.kinds).find(([, value]) => value === code);
    return entry ? entry[0] : `unknown (${code})`;
  }

  /** Runs `body` with blocks of the given sizes, freeing them afterwards even when it throws. */
  withBlocks<T>(sizes: readonly number[], body: (pointers: number[]) => T): T {
    const pointers: number[] = [];
    try {
      for (const size of sizes) pointers.push(this.arena.alloc(size));
      return body(pointers);
    } finally {
      for (const pointer of pointers) this.arena.free(pointer);
    }
  }

  /** Sends the pool's idle workers to sleep (see TaskRunner.park): call before handing the cores to a BLAS. */
  park(): void {
    this.runner.park();
  }

  dispose(): void {
    this.runner.dispose();
  }
}

/** The bytes of a typed array. */
function bytesOf(array: TypedArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
