import { ConfigError, Generator, cast, div, mul, noGrad, reshape, sub, sum, tensor, tidy, validateOptions, zeros, type Backend, type Tensor } from "@adaptive-sparse/core";
import { z } from "zod";
import { xavierUniformInit } from "./init.js";

/**
 * Options of the SLoRB branch (Sparse Low-Rank Boosting, method.md §5): `y += (x Pᵀ) Sᵀ` with
 * `S` [out, in/k] and the projection `P` [in/k, in].
 */
export const slorbOptionsSchema = z.strictObject({
  /** k: inputs per block; must divide the layer's input width (reference defaults: 16 in the README, 64 in argparse). */
  groupSize: z.number().int().positive(),
  /**
   * Initialisation (method.md §5.2): `mean` (paper default) S = (1/k)·Σ_block W·(1−M₀); `sum` without
   * the 1/k; `zero` S = 0; `xavier` (LLaMA variant) S and P Xavier-uniform, which needs a trainable P.
   */
  init: z.enum(["mean", "sum", "zero", "xavier"]).default("mean"),
  /**
   * Store P as a trainable parameter initialised to the block indicator (the reference recipes' choice,
   * default). When false, P stays the block indicator and `x Pᵀ` is computed as a block sum, with no storage.
   */
  trainableProjection: z.boolean().default(true),
  /** Source for the `xavier` init (seed 0 when omitted). */
  generator: z.instanceof(Generator).optional(),
});

/** SLoRB options as written by users. */
export type SlorbOptions = z.input<typeof slorbOptionsSchema>;
/** SLoRB options with defaults filled in. */
export type ResolvedSlorbOptions = z.output<typeof slorbOptionsSchema>;

/** Validates SLoRB options. @throws ConfigError naming the bad key */
export function parseSlorbOptions(options: SlorbOptions): ResolvedSlorbOptions {
  const parsed = validateOptions("SLoRB options", slorbOptionsSchema, options);
  if (parsed.init === "xavier" && !parsed.trainableProjection) {
    throw new ConfigError('SLoRB options: init "xavier" replaces P with a random matrix, so it needs trainableProjection: true (or pick init "mean", "sum" or "zero")');
  }
  return parsed;
}

/**
 * Checks `in mod k = 0` for a layer. @throws ConfigError naming the layer, its width and k
 */
export function checkGroupSize(layer: string, inFeatures: number, k: number): void {
  if (inFeatures % k !== 0) {
    throw new ConfigError(
      `SLoRB: groupSize k=${k} does not divide the input width ${inFeatures} of ${layer}; pick a k that divides every sparse layer's input width (method.md §5.1)`,
    );
  }
}

/** The block indicator P [in/k, in]: `P[i, j] = 1` iff `i·k <= j < (i+1)·k`. */
export function blockIndicator(inFeatures: number, k: number, backend?: Backend): Tensor {
  const rows = inFeatures / k;
  const values = new Float32Array(rows * inFeatures);
  for (let j = 0; j < inFeatures; j++) values[Math.floor(j / k) * inFeatures + j] = 1;
  return tensor(values, { shape: [rows, inFeatures], backend });
}

/**
 * Initial S [out, in/k] and P [in/k, in] (P null when not trainable) from the dense weight and the
 * initial mask M₀ (method.md §5.2). Runs without gradients; returns new tensors the caller owns.
 */
export function initSlorb(weight: Tensor, mask: Tensor, options: ResolvedSlorbOptions): { s: Tensor; p: Tensor | null } {
  const [out, inFeatures] = weight.shape;
  const k = options.groupSize;
  const rank = inFeatures / k;
  const generator = options.generator ?? new Generator(0);
  const backend = weight.backend; // S and P live where the layer does
  return noGrad(() =>
    tidy(() => {
      if (options.init === "xavier") return { s: xavierUniformInit([out, rank], generator, backend), p: xavierUniformInit([rank, inFeatures], generator, backend) };
      const p = options.trainableProjection ? blockIndicator(inFeatures, k, backend) : null;
      if (options.init === "zero") return { s: zeros([out, rank], { backend }), p };
      const pruned = mul(weight, sub(1, cast(mask, weight.dtype))); // W ⊙ (1 − M₀)
      const blockSums = sum(reshape(pruned, [out, rank, k]), -1); // (out, in/k)
      return { s: options.init === "mean" ? div(blockSums, k) : blockSums, p };
    }),
  );
}
