import { ConfigError, noGrad, tensor, tidy, validateOptions, type Backend, type Tensor } from "@adaptive-sparse/core";
import { z } from "zod";
import { inEvalMode } from "./model-mode.js";
import { requireInput } from "./require-input.js";
import type { EvaluatorPlugin, LanguageModel } from "./types.js";

/** Options of {@link measureThroughput}. */
export const throughputOptions = z.strictObject({
  iterations: z.number().int().positive().default(5).describe("timed forward passes"),
  warmup: z.number().int().nonnegative().default(1).describe("untimed passes first (kernel compilation, caches)"),
});

/** Options accepted by {@link measureThroughput}. */
export type ThroughputOptions = z.input<typeof throughputOptions>;

/** Result of {@link measureThroughput}. */
export interface ThroughputResult {
  /** B · T · iterations / seconds. */
  readonly tokensPerSecond: number;
  /** Wall time of the timed passes. */
  readonly seconds: number;
  /** Tokens processed in the timed passes. */
  readonly tokens: number;
  readonly iterations: number;
}

/**
 * Forward-pass throughput (prefill tokens per second) of `model` on one batch: `warmup` untimed passes,
 * then `iterations` timed ones, each under `noGrad` + `tidy` and followed by `backend.flush()` so
 * asynchronous backends finish their work inside the timed region. Not decoding throughput (method.md
 * §8.6 measures that with TensorRT-LLM).
 *
 * @param idx i32 [B, T] token ids, T <= the model's blockSize.
 * @returns `{ tokensPerSecond, seconds, tokens, iterations }`.
 * @throws ConfigError on invalid options or an idx that is not i32 [B, T].
 * @example
 * const { tokensPerSecond } = await measureThroughput(gpt, idx, { iterations: 10 });
 */
export async function measureThroughput(model: LanguageModel, idx: Tensor, options: ThroughputOptions = {}): Promise<ThroughputResult> {
  const { iterations, warmup } = validateOptions("measureThroughput", throughputOptions, options);
  if (idx.rank !== 2 || idx.dtype !== "i32") {
    throw new ConfigError(`measureThroughput: idx must be i32 [B, T], got ${idx.dtype} [${idx.shape.join(", ")}]`);
  }
  const pass = async () => {
    noGrad(() => tidy(() => void model.forward(idx)));
    await idx.backend.flush();
  };
  return inEvalMode(model, async () => {
    for (let i = 0; i < warmup; i++) await pass();
    const start = performance.now();
    for (let i = 0; i < iterations; i++) await pass();
    const seconds = (performance.now() - start) / 1000;
    const tokens = idx.shape[0] * idx.shape[1] * iterations;
    return { tokensPerSecond: seconds > 0 ? tokens / seconds : Infinity, seconds, tokens, iterations };
  });
}

/** Options of the `throughput` evaluator: the batch to time plus {@link throughputOptions}. */
export const throughputEvaluatorOptions = z.strictObject({
  ...throughputOptions.shape,
  batchSize: z.number().int().positive().default(1).describe("B: sequences per pass"),
  seqLen: z.number().int().positive().optional().describe("T: tokens per sequence (default: the model's blockSize)"),
});

/** Options of the `throughput` evaluator. */
export type ThroughputEvaluatorOptions = z.input<typeof throughputEvaluatorOptions>;

/**
 * A deterministic i32 [B, T] batch of ids spread over the vocabulary (values do not affect dense timing).
 */
export function throughputBatch(batchSize: number, seqLen: number, vocabSize: number, backend?: Backend): Tensor {
  const ids = new Int32Array(batchSize * seqLen);
  for (let i = 0; i < ids.length; i++) ids[i] = (i * 7919) % vocabSize;
  return tensor(ids, { shape: [batchSize, seqLen], dtype: "i32", backend });
}

/** Registry plugin `throughput` (kind `evaluator`): reads `model`; times a synthetic batch. */
export const throughputEvaluator: EvaluatorPlugin<ThroughputEvaluatorOptions, ThroughputResult> = {
  name: "throughput",
  apiVersion: 1,
  description: "forward-pass tokens per second on a synthetic [batchSize, seqLen] batch",
  options: throughputEvaluatorOptions,
  needs: ["model"],
  metrics: ["tokensPerSecond", "seconds", "tokens"],
  async run(inputs, options = {}) {
    const { batchSize, seqLen, iterations, warmup } = validateOptions('evaluator "throughput"', throughputEvaluatorOptions, options);
    const model = requireInput("throughput", inputs, "model");
    const T = seqLen ?? model.config.blockSize;
    if (T > model.config.blockSize) {
      throw new ConfigError(`evaluator "throughput": seqLen ${T} exceeds the model's blockSize ${model.config.blockSize}; set seqLen to at most ${model.config.blockSize}`);
    }
    const idx = throughputBatch(batchSize, T, model.config.vocabSize, inputs.backend ?? model.backend ?? undefined);
    try {
      const details = await measureThroughput(model, idx, { iterations, warmup });
      return { metrics: { tokensPerSecond: details.tokensPerSecond, seconds: details.seconds, tokens: details.tokens }, details };
    } finally {
      idx.dispose();
    }
  },
};
