/**
 * @adaptive-sparse/masks — N:M and unstructured mask strategies: device tensors in (magnitude and wanda
 * compute with core ops), host typed-array helpers for scores, patterns and SparseGPT
 * (method.md §2, §3.10, §6.1–6.3).
 */
export type { WeightMatrix, NMPattern, NMSelection, Scores } from "./types.js";
export { MaskPatternError, NotPositiveDefiniteError } from "./errors.js";
export { nmMaskFromScores } from "./nm-mask.js";
export type { UnstructuredSelection } from "./unstructured-mask.js";
export { unstructuredMaskFromScores } from "./unstructured-mask.js";
export { assertNM, assertIs24, countNonzeroPerGroup } from "./assert-nm.js";
export type { MaskPair } from "./flip-rate.js";
export { flipCount, flipCountTensor, flipRatio, totalFlips } from "./flip-rate.js";
export type { MaskStrategy, MaskContext, MaskNeeds, MaskResult } from "./mask-strategy.js";
export { computeMask, computeMaskHost, hostWeight, maskTensor } from "./weight-tensor.js";
export type { StructureOptions } from "./structure-options.js";
export { structureOptions } from "./structure-options.js";
export { magnitudeMask, magnitudeScores } from "./magnitude.js";
export type { WandaStatistic } from "./wanda-statistic.js";
export { createWandaStatistic } from "./wanda-statistic.js";
export { wandaMask, wandaScores } from "./wanda.js";
export { createPrng } from "./prng.js";
export { randomMask } from "./random.js";
export type { HessianAccumulator } from "./hessian.js";
export { createHessianAccumulator } from "./hessian.js";
export { choleskyLower, choleskyUpper, inverseFromCholesky, inverseUpperCholesky } from "./cholesky.js";
export type { SparseGptOptions, SparseGptPruneOptions, SparseGptResult, SparseGptStrategy } from "./sparsegpt.js";
export { sparsegptMask, sparseGptOptions } from "./sparsegpt.js";
export { builtinMasks, registerMasks } from "./register.js";
