import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Registry } from "@adaptive-sparse/core";
import { loadModelFolder, saveModelFolder } from "../model-folder.js";
import { exportCompressed24 } from "../export-compressed.js";
import { useBackend } from "../runtime.js";
import { CliError } from "../errors.js";
import { sparsify } from "@adaptive-sparse/nn";
import type { WeightDType } from "@adaptive-sparse/io";
import { eq, tidy } from "@adaptive-sparse/core";

export interface ExportOptions {
  model: string;
  /** `hf` (default) or `compressed24`. */
  format?: string;
  out: string;
  backend?: string;
  /** Where backends and tokenizers are looked up by name. */
  registry?: Registry;
  /** Weight storage for `hf`: f32 (default), f16 or bf16. */
  dtype?: string;
}

/**
 * `adaptive-sparse export`: converts a model folder to `hf` (the Hugging Face layout of its family: GPT-2, LLaMA, Mistral, Qwen2, OPT) or `compressed24`
 * (2:4 values + indices; the weights must already be 2:4, e.g. the output of `prune`).
 */
export async function exportModel(options: ExportOptions): Promise<void> {
  // Flags first: a bad one should not wait for a model to load (seconds for GPT-2 124M).
  const format = options.format ?? "hf";
  if (format !== "hf" && format !== "compressed24") throw new CliError(`--format "${format}" is not supported; valid formats: hf, compressed24`);
  const dtype = options.dtype === undefined ? "F32" : WEIGHT_DTYPES.get(options.dtype);
  if (!dtype) throw new CliError(`--dtype "${options.dtype}" is not supported; valid: ${[...WEIGHT_DTYPES.keys()].join(", ")}`);
  if (options.dtype && format === "compressed24") {
    throw new CliError(`--dtype sets the weight storage of --format hf; compressed24 keeps f32 values and 4-bit positions (leave --dtype out)`);
  }
  const backend = await useBackend(options.backend, options.registry);
  const folder = await loadModelFolder(options.model, options.registry, { backend });
  if (format === "hf") {
    await saveModelFolder(options.out, folder, { dtype });
    const { model_type: family } = JSON.parse(readFileSync(join(options.out, "config.json"), "utf8")) as { model_type: string };
    const bytes = readdirSync(options.out).reduce((total, name) => total + statSync(join(options.out, name)).size, 0);
    console.log(`export: wrote ${options.out} (Hugging Face ${family} folder, ${options.dtype ?? "f32"} weights, ${megabytes(bytes)})`);
    return;
  }
  // The zeros of a pruned model are its mask; compress24 checks that no group keeps more than 2.
  const layers = sparsify(folder.model);
  for (const { layer } of layers) tidy(() => layer.setMask(eq(eq(layer.weight, 0), 0)));
  await exportCompressed24(options.out, { model: folder.model, layers }, folder.tokenizer);
  console.log(`export: wrote ${options.out} (compressed 2:4, ${layers.length} sparse layers, ${megabytes(statSync(options.out).size)})`);
}

/** `--dtype` values and the safetensors dtype each writes. */
export const WEIGHT_DTYPES: ReadonlyMap<string, WeightDType> = new Map([["f32", "F32"], ["f16", "F16"], ["bf16", "BF16"]]);

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
