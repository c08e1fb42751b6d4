import type { Registry } from "@adaptive-sparse/core";
import { Generator, tensor } from "@adaptive-sparse/core";
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
  /** Where backends and tokenizers are looked up by name. */
  registry?: Registry;
}

/** `adaptive-sparse generate`: samples a continuation of `prompt` (temperature and top-k, seeded). */
export async function generateText(options: GenerateOptions): Promise<string> {
  const backend = await useBackend(options.backend, options.registry);
  const { model, tokenizer } = await loadModelFolder(options.model, options.registry, { backend });
  model.eval();
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
