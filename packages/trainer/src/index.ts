/**
 * @adaptive-sparse/trainer: the AST training loop (method.md §3) and its baselines (one-shot, naive
 * fixed-mask retraining, iterative and gradual magnitude pruning, §6) behind one validated config whose
 * plugin choices are registry names; events and loggers; checkpoints with bit-identical resume.
 */
export { train } from "./train.js";
export type { TrainOptions, TrainResult, TrainData } from "./types.js";
export { METHODS, trainerConfigSchema, parseTrainerConfig } from "./config.js";
export type { Method, TrainerConfig, TrainerConfigInput } from "./config.js";
export { validateSetup } from "./validate-setup.js";
export type { SetupInputs, ValidatedSetup } from "./validate-setup.js";
export { resolvePlugins } from "./plugins.js";
export type { ResolvedPlugins, ResolvedLosses, ResolvedMask, DecaySource } from "./plugins.js";
export { createDefaultRegistry } from "./default-registry.js";
export { combineHandlers } from "./events.js";
export type {
  TrainerEvent,
  EventHandler,
  CalibrationEvent,
  StartEvent,
  StepEvent,
  RefreshEvent,
  LayerFlips,
  EvalEvent,
  CheckpointEvent,
  DoneEvent,
  TrainSummary,
} from "./events.js";
export { consoleLogger } from "./console-logger.js";
export type { ConsoleLoggerOptions } from "./console-logger.js";
export { jsonlLogger } from "./jsonl-logger.js";
export type { JsonlLogger, JsonlLoggerOptions } from "./jsonl-logger.js";
export { TrainerError, NonFiniteLossError, RunFinishedError } from "./errors.js";
export { configHash } from "./config-hash.js";
export type { TrainerCheckpointState } from "./checkpoint.js";
export { gmpWindow, gmpSparsity, isGmpPruningStep, gmpPruneLayer } from "./gmp-schedule.js";
export type { GmpWindow } from "./gmp-schedule.js";
export { impKeep, impRoundStarts } from "./methods/imp.js";
