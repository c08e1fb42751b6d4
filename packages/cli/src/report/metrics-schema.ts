import { z } from "zod";

// Records are plain objects (unknown keys are ignored): writers may add fields without breaking old reports.
const runName = z.string().min(1, "`run` must name the training run, e.g. \"ast-boosted-s1\"");
const stepNumber = z.number().int().nonnegative();
// JSON has no NaN: a diverged value is written as null and drawn as a gap.
const maybeNumber = z.number().nullable();
const perplexityBySet = z.record(z.string(), z.number().positive().nullable());

/** `{type:"start"}`: a training run begins. */
export const startEventSchema = z.object({
  type: z.literal("start"),
  run: runName,
  method: z.string().min(1),
  // A run written without a seed (an older CLI) still renders; the report then shows none.
  seed: z.number().int().optional(),
  config: z.record(z.string(), z.unknown()).default({}),
});

/** `{type:"calibration"}`: a block of the model went through calibration, before its run starts (not drawn). */
export const calibrationEventSchema = z.object({
  type: z.literal("calibration"),
  run: runName,
  block: z.number().int().positive(),
  blocks: z.number().int().positive(),
  elapsed: z.number().nonnegative(),
});

/** `{type:"step"}`: one logged optimiser step. */
export const stepEventSchema = z.object({
  type: z.literal("step"),
  run: runName,
  step: stepNumber,
  loss: maybeNumber,
  losses: z.object({ task: maybeNumber, kl: maybeNumber.optional(), layerwise: maybeNumber.optional() }),
  lr: z.number().nonnegative(),
  decay: z.number().nonnegative().optional(),
  tokens: z.number().nonnegative(),
  tokensPerSecond: z.number().nonnegative(),
  elapsed: z.number().nonnegative(),
});

/** `{type:"refresh"}`: a mask refresh with its flip counts (method.md §3.10). */
export const refreshEventSchema = z.object({
  type: z.literal("refresh"),
  run: runName,
  step: stepNumber,
  flipsPrevious: z.number().nonnegative(),
  flipsInitial: z.number().nonnegative(),
  ratioPrevious: z.number().min(0).max(1),
  ratioInitial: z.number().min(0).max(1),
});

/** `{type:"eval"}`: validation perplexity per validation set. */
export const evalEventSchema = z.object({
  type: z.literal("eval"),
  run: runName,
  step: stepNumber,
  perplexity: perplexityBySet,
});

/** `{type:"done"}`: a training run finished. */
export const doneEventSchema = z.object({
  type: z.literal("done"),
  run: runName,
  step: stepNumber,
  summary: z.record(z.string(), z.unknown()).default({}),
});

/** `{type:"checkpoint"}`: the trainer saved a checkpoint (the report does not draw it). */
export const checkpointEventSchema = z.object({
  type: z.literal("checkpoint"),
  run: runName,
  step: stepNumber,
  dir: z.string(),
});

/** `{type:"teacher"}`: the dense teacher's reference numbers (once per file). */
export const teacherEventSchema = z.object({
  type: z.literal("teacher"),
  perplexity: perplexityBySet,
  losses: z.object({ task: z.number().optional() }).loose().optional(),
});

/** Every record type metrics.jsonl may hold, told apart by `type`. */
export const metricsEventSchema = z.discriminatedUnion("type", [
  calibrationEventSchema,
  startEventSchema,
  stepEventSchema,
  refreshEventSchema,
  evalEventSchema,
  doneEventSchema,
  teacherEventSchema,
  checkpointEventSchema,
]);

/** The `type` values metrics.jsonl may hold, for error messages. */
export const METRICS_EVENT_TYPES = ["start", "step", "refresh", "eval", "done", "teacher", "checkpoint", "calibration"] as const;

export type StartEvent = z.infer<typeof startEventSchema>;
export type StepEvent = z.infer<typeof stepEventSchema>;
export type RefreshEvent = z.infer<typeof refreshEventSchema>;
export type EvalEvent = z.infer<typeof evalEventSchema>;
export type DoneEvent = z.infer<typeof doneEventSchema>;
export type TeacherEvent = z.infer<typeof teacherEventSchema>;
/** One parsed line of metrics.jsonl. */
export type MetricsEvent = z.infer<typeof metricsEventSchema>;
