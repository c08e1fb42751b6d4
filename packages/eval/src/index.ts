/**
 * @adaptive-sparse/eval: evaluators (registry kind `evaluator`): perplexity over non-overlapping
 * windows (method.md §7.1), zero-shot multiple choice by log-likelihood (§7.2), N:M validity of
 * exported weights (§1.2) and forward throughput.
 */
export { EvalError } from "./errors.js";
export type { LanguageModel, TokenEncoder, MultipleChoiceExample, NamedWeight, EvaluatorInputs, EvaluationResult, EvaluatorPlugin } from "./types.js";
export type { PerplexityOptions, PerplexityResult } from "./perplexity.js";
export { evaluatePerplexity, perplexityWindows, perplexityOptions, perplexityEvaluator } from "./perplexity.js";
export type { TeacherKLOptions } from "./teacher-kl.js";
export { evaluateTeacherKL } from "./teacher-kl.js";
export type { EncodedPair } from "./encode-pair.js";
export { encodePair } from "./encode-pair.js";
export type { ScoreOptions } from "./loglikelihood.js";
export { scoreContinuations } from "./loglikelihood.js";
export { multipleChoiceExampleSchema, checkMultipleChoiceExample, parseMultipleChoiceJsonl, loadMultipleChoiceTask } from "./multiple-choice-task.js";
export { taskExample, TASK_FORMATS } from "./task-formats.js";
export type { ZeroShotOptions, MultipleChoiceScore, MultipleChoiceResult } from "./zero-shot.js";
export { evaluateMultipleChoice, zeroShotOptions, zeroShotEvaluator } from "./zero-shot.js";
export type { NMValidityOptions, NMLayerReport, NMValidityReport } from "./nm-validity.js";
export { checkNMValidity, formatNMValidity, nmValidityOptions, nmValidityEvaluator } from "./nm-validity.js";
export type { ThroughputOptions, ThroughputResult, ThroughputEvaluatorOptions } from "./throughput.js";
export { measureThroughput, throughputBatch, throughputOptions, throughputEvaluatorOptions, throughputEvaluator } from "./throughput.js";
export { inEvalMode } from "./model-mode.js";
export { evaluatorPlugins, registerEvaluators } from "./register.js";
