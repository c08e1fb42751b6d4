import type { Backend, Registry } from "@adaptive-sparse/core";
import { Generator, hasKernels, tensor } from "@adaptive-sparse/core";
import { useCompressed24 } from "../compressed-inference.js";
import { loadModelFolder } from "../model-folder.js";
import { useBackend } from "../runtime.js";

export interface GenerateOptions {
  model: string;
  prompt: string;
  tokens?: number;
  temperature?: number;
  topK?: number;
  seed?: number;
  backend?: string;
  /** Run a pruned model's 2:4 layers on the backend's compressed 2:4 kernel (see useCompressed24). */
  sparse24?: boolean;
  /** Where backends and tokenizers are looked up by name. */
  registry?: Registry;
}

/**
 * `adaptive-sparse generate`: samples a continuation of `prompt` (temperature and top-k, seeded). With
 * `sparse24`, a pruned model's 2:4 layers run on the backend's compressed 2:4 kernel (a note on stderr says
 * how many, or why none).
 */
export async function generateText(options: GenerateOptions): Promise<string> {
  const backend = await useBackend(options.backend, options.registry);
  const { model, tokenizer } = await loadModelFolder(options.model, options.registry, { backend });
  model.eval();
  if (options.sparse24) process.stderr.write(`generate: ${describeSparse24(await useCompressed24(model, backend), backend, options.model)}\n`);
  // A prompt starts as the model's training documents did: with BOS where the tokenizer has one (LLaMA, OPT).
  const prefix = tokenizer.bosToken === undefined ? [] : [tokenizer.bosToken];
  const ids = [...prefix, ...tokenizer.encode(options.prompt)];
  const start = ids.length ? ids : [tokenizer.eotToken ?? 0];
  const idx = tensor(start, { shape: [1, start.length], dtype: "i32", backend });
  const out = await model.generate(idx, options.tokens ?? 100, {
    temperature: options.temperature ?? 0.8,
    topK: options.topK ?? 40,
    generator: new Generator(options.seed ?? 0),
  });
  const text = tokenizer.decode(Array.from(await out.data()).slice(prefix.length));
  return ids.length ? text : text.slice(tokenizer.decode(start).length);
}

/** The --sparse24 note: how many layers run compressed, or why none does. */
function describeSparse24(layers: readonly string[], backend: Backend, folder: string): string {
  if (layers.length) return `--sparse24: ${layers.length} 2:4 layers run on the ${backend.name} backend's compressed 2:4 kernel`;
  if (!hasKernels(backend, "SparseMatMul24")) return `--sparse24: the ${backend.name} backend has no compressed 2:4 kernel (the wasm and webgpu backends do: --backend wasm); running dense`;
  return `--sparse24: ${folder} has no 2:4 layers (prune it to 2:4 first: adaptive-sparse prune --method ast ...); running dense`;
}
