/**
 * Layout of the Int32Array control block shared by the main thread and the workers. A run publishes
 * COUNT tasks at TASKS, stores NEXT = tag << 20 (index 0) and bumps GEN; every thread claims indices
 * with compare-and-swap on NEXT and counts finished tasks in DONE. The generation tag in NEXT's high
 * bits stops a worker that wakes late from claiming an index of the next run.
 */
export const CONTROL = {
  GEN: 0,
  NEXT: 1,
  DONE: 2,
  COUNT: 3,
  TASKS: 4,
  SCRATCH: 5,
  SCRATCH_STRIDE: 6,
  STOP: 7,
  ERROR: 8,
  TASK_BYTES: 9,
  LENGTH: 16,
} as const;

/** Bits of NEXT that hold the task index; the rest (below the sign bit) hold the generation tag. */
export const INDEX_BITS = 20;
export const TAG_MASK = 0x7ff;
export const MAX_TASKS = 1 << INDEX_BITS;

/**
 * Claims and runs tasks of the current run until none are left (the main thread's side; the worker
 * source in worker-source.ts runs the same loop). Returns the first error a task threw, after counting
 * that task as done so the other threads are not left waiting.
 */
export function drainTasks(control: Int32Array, generation: number, count: number, run: (index: number) => void): unknown {
  const base = (generation & TAG_MASK) * MAX_TASKS;
  let failure: unknown;
  for (;;) {
    const next = Atomics.load(control, CONTROL.NEXT);
    if (next - (next % MAX_TASKS) !== base || next % MAX_TASKS >= count) return failure;
    if (Atomics.compareExchange(control, CONTROL.NEXT, next, next + 1) !== next) continue;
    try {
      run(next % MAX_TASKS);
    } catch (error) {
      failure ??= error;
      Atomics.store(control, CONTROL.ERROR, 1);
    }
    if (Atomics.add(control, CONTROL.DONE, 1) + 1 === count) Atomics.notify(control, CONTROL.DONE);
  }
}
