import { elementwiseMain, PARAMS, storage, memo } from "./wgsl.js";

/** `Y[i] = p[1]` as raw 32-bit words (params `[n, word]`): one program serves every dtype. */
function fillProgramSource(): string {
  return [PARAMS, storage(1, "Y", "u32", "read_write"), elementwiseMain("  Y[i] = p[1];")].join("\n");
}

export const fillProgram = memo(fillProgramSource);
