import { readIndex, type ReadMode } from "./operands.js";
import { elementwiseMain, OFFSET_OF, PARAMS, storage, memo } from "./wgsl.js";

/**
 * `y[i] = cond[ic] != 0 ? a[ia] : b[ib]` with broadcasting. Works on raw 32-bit words, so one shader serves
 * every dtype.
 */
function whereProgramSource(modes: readonly ReadMode[]): string {
  return [
    PARAMS,
    storage(1, "C", "u32", "read"),
    storage(2, "A", "u32", "read"),
    storage(3, "B", "u32", "read"),
    storage(4, "Y", "u32", "read_write"),
    OFFSET_OF,
    elementwiseMain(
      `  let c = C[${readIndex(modes[0], 0)}];\n  Y[i] = select(B[${readIndex(modes[2], 2)}], A[${readIndex(modes[1], 1)}], c != 0u);`,
    ),
  ].join("\n");
}

export const whereProgram = memo(whereProgramSource);
