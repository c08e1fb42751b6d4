import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { DECAY_MODES, type DecayMode } from "./types.js";

const beta = z.number().min(0).lt(1);

/**
 * AdamW hyperparameters (all optional; defaults in {@link ADAMW_DEFAULTS}). The same keys may be set
 * per param group to override the optimizer-wide value.
 */
export const adamwOptions = z.strictObject({
  lr: z.number().nonnegative().describe("learning rate (a step's `lr` replaces it)"),
  weightDecay: z.number().nonnegative().describe("decoupled AdamW weight decay (reference recipe: 0.1)"),
  betas: z.tuple([beta, beta]).describe("[β₁, β₂] (reference recipe: [0.9, 0.95])"),
  eps: z.number().nonnegative().describe("added to the denominator"),
  decayMode: z.enum(DECAY_MODES as [DecayMode, ...DecayMode[]]).describe("where λ(t) enters a masked parameter's update"),
  weightDecayMinRank: z.number().int().nonnegative().describe("weight decay only on parameters of at least this rank (2: not biases/LayerNorm)"),
}).partial();

/** Options accepted by the {@link AdamW} constructor and by each of its param groups. */
export type AdamWOptions = z.input<typeof adamwOptions>;

/** Resolved hyperparameters of one AdamW param group. */
export interface AdamWGroup {
  lr: number;
  weightDecay: number;
  betas: [number, number];
  eps: number;
  decayMode: DecayMode;
  weightDecayMinRank: number;
}

/**
 * Defaults: PyTorch's AdamW values (lr 1e-3, wd 0.01, β (0.9, 0.999), ε 1e-8), the paper's
 * `'decoupled'` decay, and weight decay on ≥2-D parameters only (as the reference's param groups).
 */
export const ADAMW_DEFAULTS: Readonly<AdamWGroup> = Object.freeze({
  lr: 1e-3,
  weightDecay: 0.01,
  betas: [0.9, 0.999] as [number, number],
  eps: 1e-8,
  decayMode: "decoupled" as DecayMode,
  weightDecayMinRank: 2,
});

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Validates optimizer-wide options and returns a resolver for each group's overrides. */
export function adamwGroupResolver(options: AdamWOptions): (overrides: object, index: number) => AdamWGroup {
  const base = { ...ADAMW_DEFAULTS, ...defined(validateOptions("AdamW options", adamwOptions, options)) };
  return (overrides, index) => {
    const group = { ...base, ...defined(validateOptions(`AdamW param group ${index}`, adamwOptions, overrides)) };
    return { ...group, betas: [group.betas[0], group.betas[1]] };
  };
}
