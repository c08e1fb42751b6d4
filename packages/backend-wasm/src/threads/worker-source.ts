import { CONTROL, INDEX_BITS, TAG_MASK } from "./control.js";

/** Busy-wait iterations before a worker sleeps: back-to-back kernels then skip the futex wake-up. */
const SPIN = 20000;

/**
 * Source of a pool worker (Node worker_threads, `eval: true`). It instantiates the kernels over the
 * shared memory, then loops: wait for a new generation, claim tasks, run them. Being a string, it needs
 * no file next to the bundle and no TypeScript at run time. Its claim loop mirrors `drainTasks` in
 * control.ts (keep the two in step; the pool tests in backend.test.ts and gemm.test.ts run both).
 */
export const WORKER_SOURCE = `
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const C = ${JSON.stringify(CONTROL)};
const MAX_TASKS = ${1 << INDEX_BITS};
const { module, memory, control: buffer, index } = workerData;
const control = new Int32Array(buffer);
const { runTask } = new WebAssembly.Instance(module, { env: { memory } }).exports;
parentPort.postMessage("ready");
let seen = Atomics.load(control, C.GEN);
for (;;) {
  for (let i = 0; i < ${SPIN} && Atomics.load(control, C.GEN) === seen; i++);
  Atomics.wait(control, C.GEN, seen);
  seen = Atomics.load(control, C.GEN);
  if (Atomics.load(control, C.STOP)) break;
  const count = Atomics.load(control, C.COUNT);
  const tasks = Atomics.load(control, C.TASKS) >>> 0;
  const taskBytes = Atomics.load(control, C.TASK_BYTES);
  const work = (Atomics.load(control, C.SCRATCH) >>> 0) + index * Atomics.load(control, C.SCRATCH_STRIDE);
  const base = (seen & ${TAG_MASK}) * MAX_TASKS;
  for (;;) {
    const next = Atomics.load(control, C.NEXT);
    if (next - (next % MAX_TASKS) !== base || next % MAX_TASKS >= count) break;
    if (Atomics.compareExchange(control, C.NEXT, next, next + 1) !== next) continue;
    try {
      runTask(tasks + (next % MAX_TASKS) * taskBytes, work);
    } catch {
      Atomics.store(control, C.ERROR, 1);
    }
    if (Atomics.add(control, C.DONE, 1) + 1 === count) Atomics.notify(control, C.DONE);
  }
}
`;
