import { CONTROL, INDEX_BITS, TAG_MASK } from "./control.js";

/** Busy-wait iterations before a worker sleeps: back-to-back kernels then skip the futex wake-up. */
const SPIN = 20000;

/**
 * Source of a pool worker (Node worker_threads, `eval: true`). It instantiates the kernels over the
 * shared memory, then loops: wait for a new generation, claim tasks, run them. Being a string, it needs
 * no file next to the bundle and no TypeScript at run time. Its claim loop and failure record mirror
 * `drainTasks` and `recordFailure` in control.ts (keep them in step; src/threads/pool.test.ts runs both).
 * COUNT and TASKS are read before NEXT: control.ts says why that order, with the caller re-tagging NEXT
 * before it changes them, keeps a late worker out of the next run.
 */
export const WORKER_SOURCE = `
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const C = ${JSON.stringify(CONTROL)};
const MAX_TASKS = ${1 << INDEX_BITS};
const { module, memory, control: buffer, errorText, index } = workerData;
const control = new Int32Array(buffer);
const text = new Uint8Array(errorText);
const { runTask } = new WebAssembly.Instance(module, { env: { memory } }).exports;
function fail(task, error) {
  if (Atomics.compareExchange(control, C.ERROR, 0, 1) !== 0) return;
  const reason = error instanceof Error ? error.name + ": " + error.message : String(error);
  const { written } = new TextEncoder().encodeInto(reason, text);
  control[C.ERROR_THREAD] = index;
  control[C.ERROR_TASK] = task;
  control[C.ERROR_LENGTH] = written;
}
// The generation before "ready": read after it, a run published in between would be skipped (harmless
// while the caller drains every run itself; a deadlock when it leaves the tasks to the workers).
let seen = Atomics.load(control, C.GEN);
parentPort.postMessage("ready");
for (;;) {
  for (let i = 0; i < ${SPIN} && Atomics.load(control, C.GEN) === seen && Atomics.load(control, C.PARK) !== seen; i++);
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
    } catch (error) {
      fail(next % MAX_TASKS, error);
    }
    if (Atomics.add(control, C.DONE, 1) + 1 === count) Atomics.notify(control, C.DONE);
  }
}
`;
