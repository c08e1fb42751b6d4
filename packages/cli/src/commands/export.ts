import type { Registry } from "@adaptive-sparse/core";
import { loadModelFolder, saveModelFolder } from "../model-folder.js";
import { exportCompressed24 } from "../export-compressed.js";
import { useBackend } from "../runtime.js";
import { CliError } from "../errors.js";
import { sparsify } from "@adaptive-sparse/nn";
import { eq, tidy } from "@adaptive-sparse/core";

export interface ExportOptions {
  model: string;
  format: string;
  out: string;
  backend?: string;
  /** Where backends and tokenizers are looked up by name. */
  registry?: Registry;
  /** Weight storage for `hf`: f32 (default) or f16. */
  dtype?: string;
}

/**
 * `adaptive-sparse export`: converts a model folder to `hf` (the Hugging Face layout of its family: GPT-2, LLaMA, Mistral, Qwen2, OPT) or `compressed24`
 * (2:4 values + indices; the weights must already be 2:4, e.g. the output of `prune`).
 */
export async function exportModel(options: ExportOptions): Promise<void> {
  const backend = await useBackend(options.backend, options.registry);
  const folder = await loadModelFolder(options.model, options.registry, { backend });
  if (options.dtype && !["f32", "f16"].includes(options.dtype)) throw new CliError(`--dtype "${options.dtype}" is not supported; valid: f32, f16`);
  if (options.format === "hf") return saveModelFolder(options.out, folder, { dtype: options.dtype === "f16" ? "F16" : "F32" });
  if (options.format !== "compressed24") throw new CliError(`--format "${options.format}" is not supported; valid formats: hf, compressed24`);
  // The zeros of a pruned model are its mask; compress24 checks that no group keeps more than 2.
  const layers = sparsify(folder.model);
  for (const { layer } of layers) tidy(() => layer.setMask(eq(eq(layer.weight, 0), 0)));
  await exportCompressed24(options.out, { model: folder.model, layers }, folder.tokenizer);
}
