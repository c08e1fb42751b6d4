import type { WindowSampler } from "@adaptive-sparse/data";
import { saveTrainerCheckpoint } from "./checkpoint.js";
import { evaluateValidation } from "./evaluate.js";
import type { LossComputer } from "./loss-computer.js";
import type { MethodHooks, RunContext } from "./run-context.js";
import { trainStep } from "./train-step.js";
import type { TrainData } from "./types.js";

/** What the training loop needs besides the run context. */
export interface LoopInputs {
  readonly ctx: RunContext;
  readonly hooks: MethodHooks;
  readonly sampler: WindowSampler;
  readonly losses: LossComputer;
  readonly data: TrainData;
  readonly startStep: number;
  readonly signal?: AbortSignal;
  /** `performance.now()` when the call started (for `elapsed`). */
  readonly started: number;
}

/** How the loop ended. */
export interface LoopOutcome {
  readonly status: "completed" | "aborted";
  /** Steps completed. */
  readonly step: number;
  /** Loss of each step run. */
  readonly losses: number[];
  /** Saves a checkpoint after `step` completed steps (no-op without `checkpoint.dir`); returns its folder. */
  readonly save: (step: number, reason: "interval" | "abort" | "final") => Promise<string | null>;
  readonly lastCheckpoint: () => string | null;
}

/**
 * The training loop of every training method, in the order of method.md §3.9. For each step t:
 * lr(t) and λ(t); evaluation when `t mod eval.every = 0`; the method's `beforeStep` (before-step refresh,
 * GMP pruning, IMP round switch); forward/backward over the micro-batches, clipping and the optimizer
 * update; `afterUpdate`; the step is queued for logging; `afterStep` (after-step refresh); a checkpoint
 * every `checkpoint.every` steps. Steps run on the device without reading anything back: losses, norms
 * and flip counts are read every `log.every` steps (and before an evaluation, a checkpoint and the end),
 * where their events are emitted in order and a non-finite loss stops the run, so no checkpoint is ever
 * written after a NaN. An aborted signal is honoured between steps: checkpoint, then stop.
 */
export async function runLoop(inputs: LoopInputs): Promise<LoopOutcome> {
  const { ctx, hooks, sampler, losses, data, startStep, signal, started } = inputs;
  const { config, log } = ctx;
  const dir = config.checkpoint.dir ?? null;
  let lastCheckpoint: string | null = null;
  let savedAt = -1;
  const save = async (step: number, reason: "interval" | "abort" | "final") => {
    if (!dir) return null;
    await log.flush(); // throws on a NaN before anything is written
    // The final save always writes: finalize changed the weights since an interval save at the same step.
    if (savedAt !== step || reason === "final") {
      await saveTrainerCheckpoint(dir, ctx, hooks, sampler, step);
      savedAt = step;
      lastCheckpoint = dir;
      log.checkpoint = dir;
      await ctx.emit({ type: "checkpoint", step, dir, reason });
    }
    return dir;
  };
  const outcome = (status: LoopOutcome["status"], step: number): LoopOutcome => ({ status, step, losses: log.losses, save, lastCheckpoint: () => lastCheckpoint });
  const validation = data.validation && Object.keys(data.validation).length ? data.validation : undefined;
  log.start();
  const stepInputs = () => ({ sampler, losses, optimizer: ctx.optimizer, backend: ctx.backend, gradAccum: config.gradAccum, clip: config.optimizer.clip });
  for (let t = startStep; t < config.steps; t++) {
    await nextTurn(); // a SIGINT handler (or any other task) runs here, so an abort takes effect after the current step
    if (signal?.aborted) {
      await log.flush();
      await save(t, "abort");
      return outcome("aborted", t);
    }
    const lr = hooks.lr(t);
    const decay = hooks.decay(t);
    if (validation && config.eval.every > 0 && t % config.eval.every === 0) {
      await log.flush();
      await ctx.emit(await evaluateValidation(ctx.student, validation, config.eval, ctx.backend, t, false));
    }
    await hooks.beforeStep(t);
    const record = trainStep(stepInputs(), lr, decay);
    hooks.afterUpdate(t);
    log.step({ step: t, record, lr, decay, tokens: (t + 1) * record.tokens, elapsed: (performance.now() - started) / 1000 });
    await hooks.afterStep(t);
    if ((t + 1) % config.log.every === 0 || t + 1 === config.steps) await log.flush();
    if (config.checkpoint.every && (t + 1) % config.checkpoint.every === 0) await save(t + 1, "interval");
  }
  await log.flush();
  return outcome("completed", Math.max(startStep, config.steps));
}

/**
 * One turn of the event loop (a macrotask, not a microtask): a step on a GPU backend awaits nothing, and a
 * step on cpu resolves its promises at once, so without this the loop would never let a signal handler run.
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => (globalThis.setImmediate ? globalThis.setImmediate(resolve) : setTimeout(resolve, 0)));
}
