import { BackendError } from "@adaptive-sparse/core";
import { WasmKernelError } from "../errors.js";
import type { KernelExports } from "../wasm/kernel-module.js";
import { CONTROL, ERROR_TEXT_BYTES, INDEX_BITS, MAX_TASKS, TAG_MASK, drainTasks, readFailure, trapReason } from "./control.js";
import { WORKER_SOURCE } from "./worker-source.js";

/** Runs task descriptors that sit in WebAssembly memory. */
export interface TaskRunner {
  /** Threads that work on a run (1 = the calling thread only). */
  readonly threads: number;
  /** Runs `count` descriptors starting at byte offset `tasks`; returns when all are done. */
  run(tasks: number, count: number): void;
  /**
   * Sends idle workers to sleep now instead of after their spin: before work on other threads (a BLAS
   * call's), which would otherwise share the cores with workers spinning for a next run that is not coming.
   */
  park(): void;
  dispose(): void;
}

/** Where each thread's scratch lives: thread t uses `base + t * stride`. */
export interface Scratch {
  readonly base: number;
  readonly stride: number;
}

/** "task 3 of 8": the descriptor's place in its run (the engine adds its kind). */
const taskLabel = (index: number, count: number) => `task ${index + 1} of ${count}`;

/**
 * Test hooks of the pool (never set by the backend): `callerRuns: false` leaves every task to the
 * workers, so a test knows which thread ran it; `publishStep` is called between the stores that publish
 * a run, so a test can stall the caller there as a preempted thread would be.
 */
export interface PoolTestHooks {
  readonly callerRuns?: boolean;
  readonly publishStep?: (step: number) => void;
}

/** The single-thread runner: browsers without cross-origin isolation, `threads: 1`, or small problems. */
export function createSerialRunner(kernels: KernelExports, scratch: Scratch): TaskRunner {
  const taskBytes = kernels.TASK_BYTES.value as number;
  return {
    threads: 1,
    run(tasks, count) {
      for (let i = 0; i < count; i++) {
        try {
          kernels.runTask(tasks + i * taskBytes, scratch.base);
        } catch (error) {
          throw new WasmKernelError({ reason: trapReason(error), thread: 0, threads: 1, task: taskLabel(i, count), taskIndex: i });
        }
      }
    },
    park() {},
    dispose() {},
  };
}

/** Main-thread spin iterations before it sleeps on the done counter. */
const SPIN = 20000;

/**
 * A pool of `threads - 1` Node workers plus the calling thread, all instantiated over one shared
 * WebAssembly memory. `run` is synchronous: the caller publishes tasks, works on them too, then blocks
 * (Atomics.wait, allowed on Node's main thread) until the last one finishes, so kernels keep the
 * synchronous contract of the backend. Workers are unref'd: an idle pool never keeps Node alive.
 */
export async function startThreadPool(
  workerThreads: typeof import("node:worker_threads"),
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  kernels: KernelExports,
  threads: number,
  scratch: Scratch,
  hooks: PoolTestHooks = {},
): Promise<TaskRunner> {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL.LENGTH * 4));
  const errorText = new Uint8Array(new SharedArrayBuffer(ERROR_TEXT_BYTES));
  const taskBytes = kernels.TASK_BYTES.value as number;
  control[CONTROL.SCRATCH] = scratch.base;
  control[CONTROL.SCRATCH_STRIDE] = scratch.stride;
  control[CONTROL.TASK_BYTES] = taskBytes;
  const workers = Array.from({ length: threads - 1 }, (_, i) =>
    new workerThreads.Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control: control.buffer, errorText: errorText.buffer, index: i + 1 } }),
  );
  try {
    await Promise.all(
      workers.map((worker) => new Promise<void>((resolve, reject) => {
        worker.once("message", () => resolve());
        worker.once("error", reject);
        worker.once("exit", (code) => reject(new Error(`worker exited with code ${code} before it was ready`)));
      })),
    );
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.terminate()));
    throw new BackendError(`wasm backend: could not start ${threads - 1} worker thread(s): ${error instanceof Error ? error.message : String(error)}; pass { threads: 1 } to run single-threaded`);
  }
  for (const worker of workers) {
    worker.removeAllListeners();
    worker.unref();
  }
  let generation = 0;
  let disposed = false;
  const { callerRuns = true, publishStep = () => {} } = hooks;
  return {
    threads,
    run(tasks, count) {
      if (disposed) throw new BackendError("wasm backend: used after dispose(); create a new backend");
      if (count >= MAX_TASKS) throw new BackendError(`wasm backend: ${count} tasks in one run, over the limit of ${MAX_TASKS - 1} (WasmEngine.runTasks splits longer lists)`);
      if (count === 0) return;
      // One task: the caller runs it without waking a worker, which would find nothing to do and then spin
      // on a core that the next kernel (or a BLAS call's own threads) needs; a decode step is mostly such runs.
      if (count === 1 && callerRuns) {
        try {
          kernels.runTask(tasks, scratch.base);
        } catch (error) {
          throw new WasmKernelError({ reason: trapReason(error), thread: 0, threads, task: taskLabel(0, 1), taskIndex: 0 });
        }
        return;
      }
      generation = (generation + 1) & 0x3fffffff;
      // NEXT first: from here on no worker still holding the previous generation can claim anything,
      // so COUNT and TASKS may change under it (control.ts explains the race this order closes).
      Atomics.store(control, CONTROL.NEXT, (generation & TAG_MASK) << INDEX_BITS);
      publishStep(1);
      Atomics.store(control, CONTROL.COUNT, count);
      publishStep(2);
      Atomics.store(control, CONTROL.TASKS, tasks);
      publishStep(3);
      Atomics.store(control, CONTROL.DONE, 0);
      Atomics.store(control, CONTROL.ERROR, 0);
      publishStep(4);
      Atomics.store(control, CONTROL.GEN, generation);
      Atomics.notify(control, CONTROL.GEN);
      if (callerRuns) drainTasks(control, errorText, generation, count, (i) => kernels.runTask(tasks + i * taskBytes, scratch.base));
      for (let spins = 0; ; spins++) {
        const done = Atomics.load(control, CONTROL.DONE);
        if (done >= count) break;
        if (spins >= SPIN) Atomics.wait(control, CONTROL.DONE, done);
      }
      const failure = readFailure(control, errorText);
      if (failure) throw new WasmKernelError({ reason: failure.reason, thread: failure.thread, threads, task: taskLabel(failure.task, count), taskIndex: failure.task });
    },
    park() {
      Atomics.store(control, CONTROL.PARK, generation);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      Atomics.store(control, CONTROL.STOP, 1);
      Atomics.add(control, CONTROL.GEN, 1);
      Atomics.notify(control, CONTROL.GEN);
      for (const worker of workers) void worker.terminate();
    },
  };
}
