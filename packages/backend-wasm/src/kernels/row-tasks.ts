import { TASK_FIELDS, type WasmEngine } from "../wasm/engine.js";
import { splitRange } from "./gemm-plan.js";

/** Each task gets at least this many elements: below it, waking a worker costs more than the work. */
export const MIN_TASK_ELEMENTS = 16384;

/**
 * Splits `rows` rows of `width` elements into about two pieces per thread (each at least MIN_TASK_ELEMENTS)
 * and runs one task per piece; `fields(start, count)` gives a piece's task descriptor (kind first).
 */
export function runRowTasks(engine: WasmEngine, rows: number, width: number, fields: (start: number, count: number) => number[]): void {
  const pieces = splitRange(rows, engine.threads * 2, 1, Math.max(1, Math.ceil(MIN_TASK_ELEMENTS / Math.max(1, width))));
  const tasks = new Int32Array(pieces.length * TASK_FIELDS);
  pieces.forEach(([start, count], t) => tasks.set(fields(start, count), t * TASK_FIELDS));
  engine.runTasks(tasks);
}
