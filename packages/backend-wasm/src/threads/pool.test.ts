import { SparseError, type BufferInfo, type KernelTable, type TypedArray } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { invalidatingOutputs } from "../backend.js";
import { WasmKernelError } from "../errors.js";
import { enableRelaxedSimd } from "../test-helpers.js";
import { TASK_FIELDS, WasmEngine } from "../wasm/engine.js";

await enableRelaxedSimd();

/** Blocks the calling thread for `ms` (as a preempted thread would stall). */
const stall = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Descriptors that each add 1 to one `width`-float slice of `counters` (in place): a run twice shows as 2. */
function incrementTasks(engine: WasmEngine, counters: number, one: number, slices: number, width: number): Int32Array {
  const tasks = new Int32Array(slices * TASK_FIELDS);
  const { add, scalar } = engine.binaryCodes;
  for (let s = 0; s < slices; s++) {
    const slice = counters + s * width * 4;
    tasks.set([engine.kinds.binary, add, scalar, 1, width, slice, one, slice], s * TASK_FIELDS);
  }
  return tasks;
}

describe("worker pool hand-off (issue 18)", () => {
  // Stall the caller after each store that publishes a run (1: NEXT re-tagged, 2: COUNT, 3: TASKS,
  // 4: DONE/ERROR reset), right after a run the worker slept through: the worker wakes holding the
  // finished generation while the next run is half published. Before the fix (COUNT and TASKS stored
  // before NEXT), it claimed index 1 of the new run from the old run's NEXT and ran that task twice.
  for (const step of [1, 2, 3, 4]) {
    it(`a worker waking while the caller stalls at publish step ${step} runs no task of the new run twice`, async () => {
      let armed = false;
      const engine = await WasmEngine.create(2, 0, false, { publishStep: (s) => armed && s === step && stall(30) });
      try {
        const width = 64;
        engine.withBlocks([4 * width * 4, 4], ([counters, one]) => {
          engine.f32(one!, 1)[0] = 1;
          for (let round = 0; round < 5; round++) {
            engine.f32(counters!, 4 * width).fill(0);
            stall(20); // the worker spins out and sleeps on the futex
            // Two tasks (one would run on the caller without waking the worker): the caller drains both before the worker wakes.
            engine.runTasks(incrementTasks(engine, counters!, one!, 2, width));
            armed = true;
            engine.runTasks(incrementTasks(engine, counters!, one!, 4, width));
            armed = false;
            const counts = engine.f32(counters!, 4 * width);
            expect([counts[0], counts[width], counts[2 * width], counts[3 * width]], `round ${round}: times each slice was incremented`).toEqual([2, 2, 1, 1]);
          }
        });
      } finally {
        engine.dispose();
      }
    });
  }

  it("2000 back-to-back runs of 1-8 tasks on 3 threads run every task exactly once", async () => {
    const engine = await WasmEngine.create(3, 0, false);
    try {
      const width = 16;
      engine.withBlocks([8 * width * 4, 4], ([counters, one]) => {
        engine.f32(one!, 1)[0] = 1;
        engine.f32(counters!, 8 * width).fill(0);
        const expected = new Array<number>(8).fill(0);
        for (let run = 0; run < 2000; run++) {
          const slices = 1 + ((run * 7) % 8);
          engine.runTasks(incrementTasks(engine, counters!, one!, slices, width));
          for (let s = 0; s < slices; s++) expected[s]!++;
        }
        const counts = engine.f32(counters!, 8 * width);
        expect(Array.from({ length: 8 }, (_, s) => counts[s * width])).toEqual(expected);
      });
    } finally {
      engine.dispose();
    }
  });
});

describe("kernel trap messages", () => {
  /** A GEMM descriptor whose A lies beyond the end of memory. */
  const outOfBounds = (engine: WasmEngine) => Int32Array.from([engine.kinds.gemm, 0, 0, 4, 8, 4, 0x7ff00000, 4, 64, 8, 64, 8, 0, 0, 0, 0]);

  it("a trap on the calling thread names the op, its operands, the thread, the pool, the build, the task and the reason", async () => {
    const engine = await WasmEngine.create(1, 0, false);
    try {
      const bad = Int32Array.from({ length: TASK_FIELDS }, (_, i) => (i === 0 ? 99 : 0));
      const out = { handle: new Float32Array(8), shape: [2, 4], dtype: "f32" as const };
      const inputs = [{ handle: new Float32Array(6), shape: [2, 3], dtype: "f32" as const }, { handle: new Float32Array(12), shape: [3, 4], dtype: "f32" as const }];
      // The backend's kernel wrapper (the one createWasmBackend applies) around a kernel that runs a bad descriptor.
      const invalidated: TypedArray[] = [];
      const table = invalidatingOutputs({ MatMul: () => engine.runTasks(bad) } as unknown as KernelTable<TypedArray>, (handle) => invalidated.push(handle));
      const error = (() => {
        try {
          (table.MatMul as (o: BufferInfo<TypedArray>, i: BufferInfo<TypedArray>[], a: unknown) => void)(out, inputs, { transA: false, transB: false });
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(invalidated).toEqual([out.handle]); // the output's resident copy is dropped even so
      expect(error).toBeInstanceOf(WasmKernelError);
      expect(SparseError.isInstance(error)).toBe(true);
      expect((error as WasmKernelError).code).toBe("E_WASM_KERNEL_TRAP");
      expect((error as WasmKernelError).message).toBe(
        "wasm backend: MatMul (inputs f32[2,3], f32[3,4]; output f32[2,4]) trapped on the calling thread (pool of 1 thread, baseline SIMD build, " +
          "task 1 of 1, kind unknown (99)): RuntimeError: unreachable. This is a bug in @adaptive-sparse/backend-wasm; please report this message. " +
          "The backend's WebAssembly memory may be corrupt: do not keep using it",
      );
      expect((error as WasmKernelError).trap).toMatchObject({ op: "MatMul", thread: 0, threads: 1, taskIndex: 0, reason: "RuntimeError: unreachable" });
    } finally {
      engine.dispose();
    }
  });

  it("park() sends idle workers to sleep without losing the next runs: 500 runs, each after a park, run every task once", async () => {
    const engine = await WasmEngine.create(2, 0, false, { callerRuns: false }); // the worker must run every task
    try {
      engine.withBlocks([4 * 16 * 4, 4], ([counters, one]) => {
        engine.f32(one!, 1)[0] = 1;
        engine.f32(counters!, 4 * 16).fill(0);
        for (let i = 0; i < 500; i++) {
          engine.park();
          if (i % 50 === 0) stall(2); // sometimes long enough that the parked worker is surely asleep
          engine.runTasks(incrementTasks(engine, counters!, one!, 1 + (i % 4), 16));
        }
        // Slice s is incremented in every run with more than s tasks: 500 runs cycle through 1-4 tasks.
        const counts = engine.f32(counters!, 4 * 16);
        expect([counts[0], counts[16], counts[32], counts[48]]).toEqual([500, 375, 250, 125]);
      });
    } finally {
      engine.dispose();
    }
  });

  it("a run of one task stays on the calling thread: nothing is published to the workers, and its trap names thread 0 of the pool", async () => {
    const steps: number[] = [];
    const engine = await WasmEngine.create(2, 0, false, { publishStep: (s) => steps.push(s) });
    try {
      engine.withBlocks([16 * 4, 4], ([counters, one]) => {
        engine.f32(one!, 1)[0] = 1;
        engine.f32(counters!, 16).fill(0);
        engine.runTasks(incrementTasks(engine, counters!, one!, 1, 16));
        expect(Array.from(engine.f32(counters!, 16))).toEqual(new Array(16).fill(1));
        expect(steps).toEqual([]); // never published
        engine.runTasks(incrementTasks(engine, counters!, one!, 2, 8));
        expect(steps).toEqual([1, 2, 3, 4]); // two tasks go to the pool
        expect(Array.from(engine.f32(counters!, 16))).toEqual(new Array(16).fill(2));
      });
      expect(() => engine.runTasks(outOfBounds(engine))).toThrow(
        /^wasm backend: a kernel trapped on the calling thread \(pool of 2 threads, baseline SIMD build, task 1 of 1, kind gemm\): RuntimeError: memory access out of bounds\./,
      );
    } finally {
      engine.dispose();
    }
  });

  it("a trap in a worker thread reports that worker, the relaxed build and the reason; the pool keeps working", async () => {
    const engine = await WasmEngine.create(2, 0, true, { callerRuns: false });
    try {
      // callerRuns: false leaves the task to the worker.
      expect(() => engine.runTasks(outOfBounds(engine))).toThrow(
        /^wasm backend: a kernel trapped on worker thread 1 \(pool of 2 threads, relaxed SIMD build, task 1 of 1, kind gemm\): RuntimeError: memory access out of bounds\. This is a bug/,
      );
      engine.withBlocks([64 * 4, 4], ([counters, one]) => {
        engine.f32(one!, 1)[0] = 1;
        engine.f32(counters!, 64).fill(0);
        engine.runTasks(incrementTasks(engine, counters!, one!, 4, 16));
        expect(Array.from(engine.f32(counters!, 64))).toEqual(new Array(64).fill(1));
      });
    } finally {
      engine.dispose();
    }
  });
});
