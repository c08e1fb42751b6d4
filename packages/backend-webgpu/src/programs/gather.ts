import { errorBinding, ERROR_CODES } from "./errors.js";
import { elementwiseMain, PARAMS, storage, memo } from "./wgsl.js";

/**
 * Rows of a table picked by i32 indices: `y[r, c] = table[idx[r], c]`. Params `[n, width, rows]`.
 * An index outside `[0, rows)` writes 0 and records the error (thrown on the next read).
 */
function gatherProgramSource(): string {
  return [
    PARAMS,
    storage(1, "T", "u32", "read"),
    storage(2, "I", "i32", "read"),
    storage(3, "Y", "u32", "read_write"),
    errorBinding(4),
    elementwiseMain(`  let width = p[1];
  let rows = p[2];
  let r = i / width;
  let row = I[r];
  if (row < 0 || u32(row) >= rows) {
    Y[i] = 0u;
    report(${ERROR_CODES.gatherIndex}u, r, bitcast<u32>(row), rows);
    return;
  }
  Y[i] = T[u32(row) * width + i % width];`),
  ].join("\n");
}

export const gatherProgram = memo(gatherProgramSource);
