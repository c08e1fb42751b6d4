/**
 * Layout of the Int32Array control block shared by the main thread and the workers. A run stores
 * NEXT = tag << INDEX_BITS (index 0) FIRST, then COUNT, TASKS, DONE = 0, ERROR = 0, and bumps GEN last;
 * every thread claims indices with compare-and-swap on NEXT and counts finished tasks in DONE.
 *
 * Why NEXT first (issue 18): a worker that wakes late still holds the previous generation and reads
 * COUNT and TASKS before it looks at NEXT. While NEXT carried the previous tag, a worker that read the new
 * run's COUNT (larger than the old one) saw an unclaimed index, claimed it and ran a task of the new run
 * twice or a descriptor past the old run's end, and its extra DONE let the caller return while a task
 * still ran, so the next run's blocks were overwritten under it. With NEXT re-tagged before anything
 * else changes, a worker whose claim succeeds with tag(g) read COUNT and TASKS while they still
 * described run g (its reads precede its load of NEXT, which precedes the re-tag), so it can only run a
 * task of g, and g cannot finish until that task is counted.
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
  /** 0, or 1 once a task of this run trapped; the first thread to set it fills the ERROR_* fields. */
  ERROR: 8,
  TASK_BYTES: 9,
  ERROR_THREAD: 10,
  ERROR_TASK: 11,
  /** Bytes of the trap reason (UTF-8) in the shared error text buffer. */
  ERROR_LENGTH: 12,
  /** The generation whose idle workers should stop spinning and sleep (set by park()). */
  PARK: 13,
  LENGTH: 16,
} as const;

/** Bytes of the shared buffer that carries the first trap reason from a worker to the caller. */
export const ERROR_TEXT_BYTES = 1024;

/**
 * Bits of NEXT that hold the task index; the 15 bits above (below the sign bit) hold the generation tag,
 * so a worker would have to stall between two instructions for 32768 runs to mistake one run for another.
 */
export const INDEX_BITS = 16;
export const TAG_MASK = 0x7fff;
/** One more than the most tasks in one run (the engine splits longer lists into several runs). */
export const MAX_TASKS = 1 << INDEX_BITS;

/** Where a trap happened and why, for the caller's error message. */
export interface TaskFailure {
  readonly thread: number;
  readonly task: number;
  readonly reason: string;
}

/** The trap reason of a thrown value: "RuntimeError: unreachable" and the like. */
export function trapReason(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Stores the first failure of a run (the worker source in worker-source.ts does the same). */
export function recordFailure(control: Int32Array, text: Uint8Array, thread: number, task: number, reason: string): void {
  if (Atomics.compareExchange(control, CONTROL.ERROR, 0, 1) !== 0) return;
  const { written } = new TextEncoder().encodeInto(reason, text);
  control[CONTROL.ERROR_THREAD] = thread;
  control[CONTROL.ERROR_TASK] = task;
  control[CONTROL.ERROR_LENGTH] = written;
}

/** The failure recorded in this run, if any (read after every task is counted done). */
export function readFailure(control: Int32Array, text: Uint8Array): TaskFailure | null {
  if (!Atomics.load(control, CONTROL.ERROR)) return null;
  // TextDecoder refuses views of shared memory; copy the bytes out first.
  const reason = new TextDecoder().decode(text.slice(0, control[CONTROL.ERROR_LENGTH]));
  return { thread: control[CONTROL.ERROR_THREAD]!, task: control[CONTROL.ERROR_TASK]!, reason };
}

/**
 * Claims and runs tasks of the current run until none are left (the calling thread's side; the worker
 * source in worker-source.ts runs the same loop). A task that throws is recorded and counted done, so
 * the other threads are not left waiting.
 */
export function drainTasks(control: Int32Array, text: Uint8Array, generation: number, count: number, run: (index: number) => void): void {
  const base = (generation & TAG_MASK) * MAX_TASKS;
  for (;;) {
    const next = Atomics.load(control, CONTROL.NEXT);
    if (next - (next % MAX_TASKS) !== base || next % MAX_TASKS >= count) return;
    if (Atomics.compareExchange(control, CONTROL.NEXT, next, next + 1) !== next) continue;
    try {
      run(next % MAX_TASKS);
    } catch (error) {
      recordFailure(control, text, 0, next % MAX_TASKS, trapReason(error));
    }
    if (Atomics.add(control, CONTROL.DONE, 1) + 1 === count) Atomics.notify(control, CONTROL.DONE);
  }
}
