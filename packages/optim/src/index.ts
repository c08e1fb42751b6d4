/**
 * @adaptive-sparse/optim: AdamW with AST's masked decay on pruned weights (method.md §3.4), SGD,
 * global gradient-norm clipping and gradient accumulation. Registers no plugins.
 */
export { OptimError } from "./errors.js";
export type { DecayMode, MaskSource, ParamEntry, StepOptions, OptimizerState } from "./types.js";
export { DECAY_MODES } from "./types.js";
export type { AdamWOptions, AdamWGroup } from "./adamw-options.js";
export { adamwOptions, ADAMW_DEFAULTS } from "./adamw-options.js";
export type { AdamWParamGroup, AdamWStateMeta } from "./adamw.js";
export { AdamW } from "./adamw.js";
export type { SGDOptions, SGDGroup, SGDParamGroup, SGDStateMeta } from "./sgd.js";
export { SGD, sgdOptions, SGD_DEFAULTS } from "./sgd.js";
export type { ResolvedStep, DeviceParam } from "./optimizer-base.js";
export { MaskedOptimizer } from "./optimizer-base.js";
export { assignInPlace } from "./device-io.js";
export type { StateMetaBase } from "./state-io.js";
export type { ClipGradNormOptions } from "./clip-grad-norm.js";
export { clipGradNorm, clipGradNormAsync } from "./clip-grad-norm.js";
export { accumulateGradients, scaleLoss } from "./grad-accumulation.js";
