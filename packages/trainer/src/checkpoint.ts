import { tensor, type Tensor } from "@adaptive-sparse/core";
import type { WindowSampler, WindowSamplerState } from "@adaptive-sparse/data";
import { loadCheckpoint, saveCheckpoint, type DeferredTensor, type HostArray, type LoadedCheckpoint, type LoadedTensor, type SafetensorsDType, type TypedArrayTensor } from "@adaptive-sparse/io";
import { Dropout, type CausalLM } from "@adaptive-sparse/nn";
import type { AdamWStateMeta } from "@adaptive-sparse/optim";
import type { Generator } from "@adaptive-sparse/core";
import type { TrainerConfig } from "./config.js";
import { changedSections, configHash, hashedConfig } from "./config-hash.js";
import { RunFinishedError, TrainerError } from "./errors.js";
import type { MethodHooks, RunContext } from "./run-context.js";

const FORMAT = "adaptive-sparse.trainer-checkpoint";

/** The JSON part of a trainer checkpoint (`state.json`). */
export interface TrainerCheckpointState {
  readonly format: typeof FORMAT;
  readonly version: 1;
  /** {@link configHash} of the run's config; a resume must match it. */
  readonly configHash: string;
  /** The hashed part of the config, to name what changed when the hash differs. */
  readonly config: Record<string, unknown>;
  /** Steps completed; a resume starts with this step. */
  readonly step: number;
  readonly sampler: WindowSamplerState | null;
  readonly optimizer: AdamWStateMeta;
  /** Dropout generators of the student, in module order. */
  readonly generators: number[][];
  /** Sparse layer names, in order (their M₀ is stored as `initial_mask.<name>`). */
  readonly layers: string[];
  /** Method-specific state (decay controller, …). */
  readonly method: unknown;
}

const DTYPES: Partial<Record<Tensor["dtype"], SafetensorsDType>> = { f32: "F32", f64: "F64", i32: "I32", u8: "U8" };

/** The student's dropout generators (shared ones once), whose states make dropout resumable. */
function dropoutGenerators(model: CausalLM): Generator[] {
  const generators = model.namedModules().flatMap(([, module]) => (module instanceof Dropout ? [module.generator] : []));
  return [...new Set(generators)];
}

/**
 * Writes the run's state after `step` completed steps: model state dict (weights, masks, SLoRB), optimizer
 * moments, initial masks M₀, calibration statistics, sampler and dropout RNG states, method state (e.g. the
 * decay controller) and the config hash. Atomic (io's `saveCheckpoint`): a crash leaves the previous checkpoint loadable.
 */
export async function saveTrainerCheckpoint(dir: string, ctx: RunContext, hooks: MethodHooks, sampler: WindowSampler | null, step: number): Promise<void> {
  // Device tensors are read as the file is written, one at a time: copied all at once, the weights and the
  // AdamW moments held three times the model in host memory on top of the run (1.5 GB for GPT-2 124M).
  const tensors: Record<string, TypedArrayTensor | DeferredTensor> = {};
  const deferred = (dtype: SafetensorsDType, shape: readonly number[], value: Tensor): DeferredTensor => ({ dtype, shape, read: async () => (await value.data()) as HostArray });
  for (const [name, value] of ctx.student.stateDict()) {
    const dtype = DTYPES[value.dtype];
    if (!dtype) throw new TrainerError(`checkpoint: model entry "${name}" has dtype ${value.dtype}, which a checkpoint cannot store`);
    tensors[`model.${name}`] = deferred(dtype, [...value.shape], value);
  }
  const optimizer = ctx.optimizer.stateTensors();
  for (const [key, value] of Object.entries(optimizer.tensors)) tensors[`optimizer.${key}`] = deferred("F32", [value.size], value);
  for (const entry of ctx.sparse?.layers ?? []) tensors[`initial_mask.${entry.name}`] = deferred("U8", [entry.rows, entry.cols], entry.initial);
  // Calibration statistics were taken from the pretrained weights, which a resumed run no longer has.
  for (const [name, { inputNormSq, hessian }] of ctx.stats) {
    if (inputNormSq) tensors[`stats.${name}.inputNormSq`] = { dtype: "F32", shape: [inputNormSq.length], data: inputNormSq };
    if (hessian) tensors[`stats.${name}.hessian`] = { dtype: "F64", shape: [hessian.length], data: hessian };
  }
  const method = hooks.checkpoint();
  for (const [key, value] of Object.entries(method.tensors)) tensors[`method.${key}`] = value;
  const state: TrainerCheckpointState = {
    format: FORMAT,
    version: 1,
    configHash: configHash(ctx.config),
    config: hashedConfig(ctx.config),
    step,
    sampler: sampler ? sampler.state() : null,
    optimizer: optimizer.meta,
    generators: dropoutGenerators(ctx.student).map((generator) => generator.state()),
    layers: (ctx.sparse?.layers ?? []).map((entry) => entry.name),
    method: method.state ?? null,
  };
  await saveCheckpoint(dir, { tensors, state });
}

/**
 * Loads a trainer checkpoint and checks that it belongs to `config`.
 * @throws RunFinishedError when it holds a finished run and `config` asks for more steps; TrainerError when the
 *   folder is not a trainer checkpoint or was written with a different config
 *   (naming the sections that differ); io's errors for a missing or damaged folder.
 */
export async function readTrainerCheckpoint(dir: string, config: TrainerConfig): Promise<LoadedCheckpoint<TrainerCheckpointState>> {
  const loaded = await loadCheckpoint<TrainerCheckpointState>(dir);
  const state = loaded.state;
  if (state?.format !== FORMAT || state.version !== 1) {
    throw new TrainerError(`resume: ${dir} is not a version-1 trainer checkpoint (format ${JSON.stringify(state?.format)}); point resumeFrom at a folder the trainer saved`);
  }
  if (state.configHash !== configHash(config)) {
    const changed = changedSections(state.config, hashedConfig(config));
    const steps = state.config.steps;
    if (typeof steps === "number" && config.steps > steps && state.step >= steps) {
      throw new RunFinishedError(
        `resume: ${dir} holds a finished run (${state.step} of ${steps} steps), and a resume cannot lengthen a run (its learning-rate schedule spans its ${steps} steps); ` +
          `to train further, start a new run from the model the finished one saved`,
        steps,
      );
    }
    throw new TrainerError(
      `resume: ${dir} was written with a different config (differs in: ${changed.join(", ") || "plugin options"}); ` +
        `resume with the config the run started with (only checkpoint and eval may change)`,
    );
  }
  return loaded;
}

function section(tensors: ReadonlyMap<string, LoadedTensor>, prefix: string): Map<string, LoadedTensor> {
  return new Map([...tensors].filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key.slice(prefix.length), value]));
}

/**
 * Puts a loaded checkpoint's state into a freshly set-up run (same config, same model structure): model
 * weights/masks/SLoRB, M₀, optimizer moments, sampler, dropout RNGs and method state.
 * @returns the step to continue from
 * @throws TrainerError when the checkpoint does not fit the run's model or layers
 */
export function restoreTrainerCheckpoint(loaded: LoadedCheckpoint<TrainerCheckpointState>, ctx: RunContext, hooks: MethodHooks, sampler: WindowSampler | null): number {
  const { state, tensors } = loaded;
  const own = ctx.student.stateDict();
  const model = new Map<string, Tensor>();
  try {
    for (const [key, value] of section(tensors, "model.")) {
      const dtype = own.get(key)?.dtype ?? "f32";
      model.set(key, tensor(value.data as Float32Array, { shape: value.shape, dtype, backend: ctx.backend }));
    }
    ctx.student.loadStateDict(model);
  } finally {
    for (const value of model.values()) value.dispose();
  }
  const layers = ctx.sparse?.layers ?? [];
  if (JSON.stringify(state.layers) !== JSON.stringify(layers.map((entry) => entry.name))) {
    throw new TrainerError(`resume: the checkpoint's sparse layers (${state.layers.join(", ")}) differ from the run's (${layers.map((e) => e.name).join(", ")})`);
  }
  for (const entry of layers) {
    // The current mask came back with the state dict (the layer's buffer); M₀ goes beside it.
    const initial = tensor(tensors.get(`initial_mask.${entry.name}`)!.data as Uint8Array, { shape: [entry.rows, entry.cols], dtype: "u8", backend: ctx.backend });
    ctx.sparse!.setInitial(entry, initial);
    initial.dispose();
  }
  ctx.stats.clear();
  for (const entry of layers) {
    const inputNormSq = tensors.get(`stats.${entry.name}.inputNormSq`)?.data as Float32Array | undefined;
    const hessian = tensors.get(`stats.${entry.name}.hessian`)?.data as Float64Array | undefined;
    if (inputNormSq || hessian) ctx.stats.set(entry.name, { inputNormSq, hessian });
  }
  ctx.optimizer.loadState({ meta: state.optimizer, arrays: Object.fromEntries([...section(tensors, "optimizer.")].map(([key, value]) => [key, value.data as Float32Array])) });
  if (sampler && state.sampler) sampler.restore(state.sampler);
  const generators = dropoutGenerators(ctx.student);
  generators.forEach((generator, i) => state.generators[i] && generator.restore(state.generators[i]));
  hooks.restore(state.method, section(tensors, "method."));
  return state.step;
}
