import { elementwiseMain, PARAMS, storage } from "./wgsl.js";

/** `Y[i] = p[1]` as raw 32-bit words (params `[n, word]`): one program serves every dtype. */
export function fillProgram(): string {
  return [PARAMS, storage(1, "Y", "u32", "read_write"), elementwiseMain("  Y[i] = p[1];")].join("\n");
}
