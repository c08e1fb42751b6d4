/**
 * @adaptive-sparse/distill: distillation losses for AST (method.md §4): logit KL with temperature,
 * SquareHead layerwise loss, cross-entropy, and their weighted sum; registry kind `loss`.
 */
export { DistillError } from "./errors.js";
export type { LossInputs, LossFunction, LossPlugin } from "./types.js";
export type { KLLossOptions } from "./kl-loss.js";
export { FUSED_KL_MIN_VOCAB, klLoss, klLossOptions, klLossPlugin } from "./kl-loss.js";
export type { LayerwiseLossOptions } from "./layerwise-loss.js";
export { layerwiseLoss, layerwiseLossOptions, layerwiseLossPlugin, SQUARE_HEAD_EPSILON } from "./layerwise-loss.js";
export type { CELossOptions } from "./ce-loss.js";
export { ceLoss, ceLossOptions, ceLossPlugin } from "./ce-loss.js";
export type { LossWeights, LossTerms } from "./combine.js";
export { combineLosses, lossWeights, LOSS_WEIGHT_PRESETS } from "./combine.js";
export { registerLosses, lossPlugins } from "./register.js";
