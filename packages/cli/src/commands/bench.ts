import type { Registry } from "@adaptive-sparse/core";
import { Generator, tensor, tidy } from "@adaptive-sparse/core";
import { measureThroughput, throughputBatch } from "@adaptive-sparse/eval";
import { loadModelFolder } from "../model-folder.js";
import { useBackend } from "../runtime.js";

export interface BenchOptions {
  model: string;
  batchSize?: number;
  backend?: string;
  /** Where backends and tokenizers are looked up by name. */
  registry?: Registry;
}

/** `adaptive-sparse bench`: forward tokens/s at batch 1 and training-step tokens/s of a model on a backend. */
export async function bench(options: BenchOptions): Promise<Record<string, number>> {
  const backend = await useBackend(options.backend, options.registry);
  const { model } = await loadModelFolder(options.model, options.registry, { backend });
  const { blockSize, vocabSize } = model.config;
  const forward = await measureThroughput(model, throughputBatch(1, blockSize, vocabSize, backend), { iterations: 3 });
  const batch = options.batchSize ?? 8;
  const g = new Generator(0);
  const idx = tensor(Array.from({ length: batch * blockSize }, () => g.integer(vocabSize)), { shape: [batch, blockSize], dtype: "i32", backend });
  model.train();
  const step = () => tidy(() => { model.forward(idx, idx).loss!.backward(); model.zeroGrad(); });
  step();
  const started = performance.now();
  for (let i = 0; i < 3; i++) step();
  const trainTokensPerSecond = (3 * batch * blockSize) / ((performance.now() - started) / 1000);
  const result = { forwardTokensPerSecond: forward.tokensPerSecond, trainTokensPerSecond };
  console.log(`backend ${backend.name}: forward ${forward.tokensPerSecond.toFixed(0)} tok/s (batch 1 × ${blockSize}), training step ${trainTokensPerSecond.toFixed(0)} tok/s (batch ${batch} × ${blockSize})`);
  return result;
}
