import { BackendError } from "@adaptive-sparse/core";
import type { KernelExports } from "../wasm/kernel-module.js";
import { CONTROL, INDEX_BITS, MAX_TASKS, TAG_MASK, drainTasks } from "./control.js";
import { WORKER_SOURCE } from "./worker-source.js";

/** Runs task descriptors that sit in WebAssembly memory. */
export interface TaskRunner {
  /** Threads that work on a run (1 = the calling thread only). */
  readonly threads: number;
  /** Runs `count` descriptors starting at byte offset `tasks`; returns when all are done. */
  run(tasks: number, count: number): void;
  dispose(): void;
}

/** Where each thread's scratch lives: thread t uses `base + t * stride`. */
export interface Scratch {
  readonly base: number;
  readonly stride: number;
}

function rethrow(error: unknown): never {
  const detail = error instanceof Error ? error.message : String(error);
  throw new BackendError(`wasm backend: a kernel trapped (${detail}); this is a bug in @adaptive-sparse/backend-wasm, please report the op and shapes`);
}

/** The single-thread runner: browsers without cross-origin isolation, `threads: 1`, or small problems. */
export function createSerialRunner(kernels: KernelExports, scratch: Scratch): TaskRunner {
  const taskBytes = kernels.TASK_BYTES.value as number;
  return {
    threads: 1,
    run(tasks, count) {
      try {
        for (let i = 0; i < count; i++) kernels.runTask(tasks + i * taskBytes, scratch.base);
      } catch (error) {
        rethrow(error);
      }
    },
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
): Promise<TaskRunner> {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL.LENGTH * 4));
  const taskBytes = kernels.TASK_BYTES.value as number;
  control[CONTROL.SCRATCH] = scratch.base;
  control[CONTROL.SCRATCH_STRIDE] = scratch.stride;
  control[CONTROL.TASK_BYTES] = taskBytes;
  const workers = Array.from({ length: threads - 1 }, (_, i) =>
    new workerThreads.Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control: control.buffer, index: i + 1 } }),
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
  return {
    threads,
    run(tasks, count) {
      if (disposed) throw new BackendError("wasm backend: used after dispose(); create a new backend");
      if (count > MAX_TASKS) throw new BackendError(`wasm backend: ${count} tasks in one run, over the limit of ${MAX_TASKS}`);
      if (count === 0) return;
      generation = (generation + 1) & 0x3fffffff;
      Atomics.store(control, CONTROL.COUNT, count);
      Atomics.store(control, CONTROL.TASKS, tasks);
      Atomics.store(control, CONTROL.DONE, 0);
      Atomics.store(control, CONTROL.ERROR, 0);
      Atomics.store(control, CONTROL.NEXT, (generation & TAG_MASK) << INDEX_BITS);
      Atomics.store(control, CONTROL.GEN, generation);
      Atomics.notify(control, CONTROL.GEN);
      const failure = drainTasks(control, generation, count, (i) => kernels.runTask(tasks + i * taskBytes, scratch.base));
      for (let spins = 0; ; spins++) {
        const done = Atomics.load(control, CONTROL.DONE);
        if (done >= count) break;
        if (spins >= SPIN) Atomics.wait(control, CONTROL.DONE, done);
      }
      if (failure !== undefined || Atomics.load(control, CONTROL.ERROR)) rethrow(failure ?? "in a worker thread");
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
