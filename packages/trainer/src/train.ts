import type { CausalLM, Parameter } from "@adaptive-sparse/nn";
import { AdamW, type ParamEntry } from "@adaptive-sparse/optim";
import { readTrainerCheckpoint, restoreTrainerCheckpoint } from "./checkpoint.js";
import type { TrainerConfig } from "./config.js";
import { createDefaultRegistry } from "./default-registry.js";
import { evaluateValidation } from "./evaluate.js";
import { combineHandlers, type TrainSummary } from "./events.js";
import { createLossComputer } from "./loss-computer.js";
import { placeModels } from "./placement.js";
import { runLoop, type LoopOutcome } from "./loop.js";
import { createMethod } from "./methods/create-method.js";
import { runOneShot } from "./one-shot.js";
import { enableSlorbOn, prepareSparse } from "./prepare-sparse.js";
import { DeviceLog } from "./device-log.js";
import type { RunContext } from "./run-context.js";
import type { SparseModel } from "./sparse-model.js";
import type { TrainOptions, TrainResult } from "./types.js";
import { validateSetup } from "./validate-setup.js";

/**
 * AdamW over every student parameter. Only AST tags its sparse weights with their live mask, so λ(t)
 * reaches the pruned positions (method.md §3.4); the fixed-mask baselines get textbook AdamW.
 */
function optimizerFactory(config: TrainerConfig, ctx: Pick<RunContext, "student" | "sparse">): () => AdamW {
  return () => {
    const layers = config.method === "ast" ? (ctx.sparse?.layers ?? []) : [];
    const masked = new Map<Parameter, (typeof layers)[number]>(layers.map((entry) => [entry.layer.weight, entry]));
    const entries: ParamEntry[] = ctx.student.parameters().map((param) => {
      const entry = masked.get(param);
      // The layer's own mask buffer (updated in place at every refresh): the one place the mask lives.
      return entry ? { param, mask: entry.layer.mask } : param;
    });
    const { betas, eps, weightDecay } = config.optimizer;
    return new AdamW(entries, { lr: 0, betas, eps, weightDecay, decayMode: config.decay.mode });
  };
}

/**
 * Trains (or one-shot prunes) a student (any `CausalLM`) as the config says, on `options.backend`. Everything is validated first
 * (`validateSetup`): the config, every plugin's options, the teacher and the data. Then, per method
 * (method.md §3, §6): sparse layers are swapped in, calibration statistics collected when the mask
 * strategy needs them, initial masks M₀ computed (or restored from `resumeFrom`), SLoRB added, and the
 * loop of method.md §3.9 runs. Sparse methods finish with the final refresh/pruning, `W ← M ⊙ W` and an
 * N:M check of every group; then the validation sets are evaluated and a final checkpoint is saved.
 *
 * @returns status, steps, the trained student, its sparse layers, the per-step losses and a summary.
 * @throws ConfigError / UnknownPluginError / TrainerError before any compute for a bad setup;
 *   NonFiniteLossError when a loss is NaN/Inf (naming the step and the last good checkpoint).
 * @example
 * const result = await train({
 *   config: { method: "ast", steps: 200, lr: { options: { max: 1e-3, min: 1e-4, warmupSteps: 20 } },
 *             decay: { options: { max: 0.05, rampSteps: 100 } }, distill: {} },
 *   student, teacher, data: { train: sampler, validation: { val: tokens } }, onEvent: consoleLogger(),
 * });
 */
export async function train<M extends CausalLM>(options: TrainOptions<M>): Promise<TrainResult<M>> {
  // The optimizer's moments (twice the parameters' bytes: about 1 GB for GPT-2 124M) belong to the run, as a
  // PyTorch optimizer that goes out of scope: freed when it ends, however it ends, so that a process can run
  // prune after prune without each run's moments staying behind.
  const run: { ctx: RunContext | null } = { ctx: null };
  try {
    return await trainRun(options, run);
  } finally {
    run.ctx?.optimizer.dispose();
  }
}

async function trainRun<M extends CausalLM>(options: TrainOptions<M>, run: { ctx: RunContext | null }): Promise<TrainResult<M>> {
  const started = performance.now();
  const registry = options.registry ?? createDefaultRegistry();
  const { student, data } = options;
  const teacher = options.teacher ?? null;
  const { config, plugins } = validateSetup(options.config, { student, teacher, registry, data });
  const emit = combineHandlers(options.onEvent);
  const { backend, teacherPlacement, tapSampler } = await placeModels(options);
  teacher?.eval();

  let sparse: SparseModel | null;
  let outcome: LoopOutcome | null = null;
  if (config.method === "one-shot") {
    sparse = await runOneShot(config, plugins, student, data, emit);
    await emit({ type: "start", method: config.method, step: 0, steps: 0, sparseLayers: sparse.layers.length, prunableWeights: sparse.prunable, resumedFrom: null });
  } else {
    const loaded = options.resumeFrom ? await readTrainerCheckpoint(options.resumeFrom, config) : null;
    // On resume the statistics come from the checkpoint: the student no longer holds the pretrained weights.
    const setup = config.method === "dense" ? null : await prepareSparse(config, plugins, student, data, !loaded, emit);
    sparse = setup?.sparse ?? null;
    const base = { student, sparse };
    const ctx: RunContext = { config, plugins, student, backend, sparse, masks: setup?.masks ?? null, stats: setup?.stats ?? new Map(), optimizer: null!, createOptimizer: optimizerFactory(config, base), emit, log: new DeviceLog(backend, emit, config.log.values) };
    const hooks = createMethod(ctx);
    if (sparse && !loaded) {
      await hooks.initialize();
      sparse.markInitial();
    }
    if (sparse) enableSlorbOn(config, sparse);
    ctx.optimizer = ctx.createOptimizer();
    run.ctx = ctx; // from here on the run owns an optimizer (IMP replaces it per round, disposing the old one)
    const sampler = tapSampler(data.train!);
    const startStep = loaded ? restoreTrainerCheckpoint(loaded, ctx, hooks, sampler) : 0;
    const losses = createLossComputer(plugins.losses!, student, teacher, teacherPlacement);
    student.train();
    await emit({
      type: "start",
      method: config.method,
      step: startStep,
      steps: config.steps,
      sparseLayers: sparse?.layers.length ?? 0,
      prunableWeights: sparse?.prunable ?? 0,
      resumedFrom: options.resumeFrom ?? null,
    });
    try {
      outcome = await runLoop({ ctx, hooks, sampler, losses, data, startStep, signal: options.signal, started });
    } finally {
      losses.dispose();
      ctx.log.dispose(); // metrics of a run that stopped with an error (empty otherwise: the loop flushed)
    }
    if (outcome.status === "completed" && sparse) await hooks.finalize(config.steps);
    await ctx.log.flush(); // the final refresh's flip counts
    setup?.masks.dispose();
  }

  const completed = outcome === null || outcome.status === "completed";
  if (completed && sparse) {
    sparse.applyMasks();
    await sparse.verify(config.sparsity.n, config.sparsity.m);
  }
  let perplexity: Record<string, number> = {};
  if (completed && data.validation && Object.keys(data.validation).length) {
    const event = await evaluateValidation(student, data.validation, config.eval, backend, outcome?.step ?? 0, true);
    perplexity = { ...event.perplexity };
    await emit(event);
  }
  const step = outcome?.step ?? 0;
  let checkpoint = outcome?.lastCheckpoint() ?? null;
  if (completed && config.checkpoint.dir && outcome) checkpoint = await outcome.save(step, "final");
  const losses = outcome?.losses ?? [];
  const summary: TrainSummary = {
    status: completed ? "completed" : "aborted",
    method: config.method,
    steps: step,
    finalLoss: losses.length ? losses[losses.length - 1] : null,
    perplexity,
    sparsity: sparse ? await sparse.sparsity() : 0,
    elapsed: (performance.now() - started) / 1000,
    checkpoint,
  };
  sparse?.dispose(); // the M₀ copies
  await emit({ type: "done", step, summary });
  return { status: summary.status, step, model: student, layers: sparse?.layers.map(({ name, layer }) => ({ name, layer })) ?? [], losses, summary };
}
