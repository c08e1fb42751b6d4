import { ConfigError, type Registry } from "@adaptive-sparse/core";
import { prunableLayers, type CausalLM } from "@adaptive-sparse/nn";
import { parseTrainerConfig, type TrainerConfig, type TrainerConfigInput } from "./config.js";
import { TrainerError } from "./errors.js";
import { resolvePlugins, type ResolvedPlugins } from "./plugins.js";
import type { TrainData } from "./types.js";

/** What {@link validateSetup} checks a config against. */
export interface SetupInputs {
  readonly student: CausalLM;
  readonly teacher?: CausalLM | null;
  readonly registry: Registry;
  /** When given, the data is checked too (sampler sizes, calibration and validation streams). */
  readonly data?: TrainData;
}

/** A config that passed {@link validateSetup}, with its plugins looked up. */
export interface ValidatedSetup {
  readonly config: TrainerConfig;
  readonly plugins: ResolvedPlugins;
}

/** The student's prunable linear layers (dense or already sparse) with their dotted names. */
function linearLayers(model: CausalLM): { name: string; inFeatures: number }[] {
  return prunableLayers(model).map(([name, module]) => ({ name, inFeatures: module.inFeatures }));
}

function checkWidths(config: TrainerConfig, student: CausalLM): void {
  if (config.method === "dense") {
    if (config.slorb) throw new ConfigError('trainer config slorb: SLoRB belongs to sparse layers; method "dense" has none (set slorb: null or pick a sparse method)');
    return;
  }
  const layers = linearLayers(student);
  if (layers.length === 0) throw new ConfigError(`trainer config method "${config.method}": the student has no prunable Linear layers to sparsify (its isPrunable() accepts none)`);
  const { m } = config.sparsity;
  for (const layer of layers) {
    if (layer.inFeatures % m !== 0) {
      throw new ConfigError(
        `trainer config sparsity.m: m=${m} does not divide the input width ${layer.inFeatures} of layer "${layer.name}"; ` +
          `N:M groups run along the input axis (method.md §1.2), so pick an m that divides every sparse layer's input width`,
      );
    }
    if (config.slorb && layer.inFeatures % config.slorb.k !== 0) {
      throw new ConfigError(
        `trainer config slorb.k: k=${config.slorb.k} does not divide the input width ${layer.inFeatures} of layer "${layer.name}"; ` +
          `pick a k that divides every sparse layer's input width (method.md §5.1)`,
      );
    }
  }
}

function checkTeacher(config: TrainerConfig, plugins: ResolvedPlugins, student: CausalLM, teacher: CausalLM | null | undefined): void {
  if (teacher) {
    for (const key of ["vocabSize", "blockSize"] as const) {
      if (teacher.config[key] !== student.config[key]) {
        throw new ConfigError(
          `teacher ${key} ${teacher.config[key]} differs from the student's ${student.config[key]}; ` +
            `distillation compares the two models position by position over one vocabulary, so give them the same ${key}`,
        );
      }
    }
  }
  const losses = plugins.losses;
  if (!losses?.needsTeacher) return;
  if (!teacher) {
    throw new ConfigError(
      `trainer config distill: the weighted losses read the teacher (wKL=${losses.weights.wKL}, wSq=${losses.weights.wSq}) but no teacher was given; ` +
        `pass teacher (the dense model), or set wKL and wSq to 0`,
    );
  }
  if (losses.needsHidden) {
    for (const key of ["nLayer", "nEmbd"] as const) {
      if (teacher.config[key] !== student.config[key]) {
        throw new ConfigError(
          `trainer config distill.wSq: the layerwise loss compares block outputs, but the teacher's ${key} is ${teacher.config[key]} and the student's ${student.config[key]}; ` +
            `use a teacher of the same shape or set wSq to 0`,
        );
      }
    }
  }
}

function checkData(config: TrainerConfig, plugins: ResolvedPlugins, student: CausalLM, data: TrainData): void {
  if (config.method !== "one-shot") {
    if (!data.train) throw new TrainerError(`train: method "${config.method}" needs data.train (a window sampler from createWindowSampler)`);
    const { blockSize, batchSize } = data.train.state();
    if (blockSize > student.config.blockSize) {
      throw new TrainerError(`train: data.train draws windows of ${blockSize} tokens but the student's blockSize is ${student.config.blockSize}; create the sampler with blockSize <= ${student.config.blockSize}`);
    }
    if (config.batchSize !== undefined && config.batchSize !== batchSize) {
      throw new ConfigError(`trainer config batchSize: ${config.batchSize} differs from data.train's batchSize ${batchSize}; make them equal or leave batchSize out`);
    }
  }
  const needs = plugins.mask?.strategy.needs;
  if ((needs?.activations || needs?.hessian) && !data.calibration) {
    throw new TrainerError(
      `train: mask "${plugins.mask!.strategy.name}" needs calibration ${needs.hessian ? "Hessians" : "activations"}, but data.calibration is missing; ` +
        `pass a token stream (e.g. the training tokens) as data.calibration`,
    );
  }
  const evalBlock = config.eval.blockSize ?? student.config.blockSize;
  if (evalBlock > student.config.blockSize) {
    throw new ConfigError(`trainer config eval.blockSize: ${evalBlock} exceeds the student's blockSize ${student.config.blockSize}`);
  }
  for (const [name, tokens] of Object.entries(data.validation ?? {})) {
    if (tokens.length < evalBlock) {
      throw new TrainerError(`train: validation set "${name}" has ${tokens.length} tokens, fewer than one evaluation window of ${evalBlock}; pass a longer stream or set eval.blockSize`);
    }
  }
}

/**
 * Checks a config against the models, the registry and (optionally) the data before any compute:
 * parses the config; checks that m (and SLoRB's k) divides every sparse layer's input width; looks up
 * every named plugin and validates its options with the plugin's schema; checks the teacher against the
 * student (vocabulary, block size; depth and width for the layerwise loss) and that one is given when a
 * loss needs it; checks the sampler, calibration and validation data.
 *
 * @returns the parsed config and the resolved plugins.
 * @throws ConfigError naming the config path and the fix; UnknownPluginError listing registered names;
 *   TrainerError for missing or ill-fitting data.
 * @example
 * const { config } = validateSetup({ method: "ast", steps: 100, ... }, { student, teacher, registry });
 */
export function validateSetup(input: TrainerConfigInput | TrainerConfig, inputs: SetupInputs): ValidatedSetup {
  const config = parseTrainerConfig(input);
  checkWidths(config, inputs.student);
  const plugins = resolvePlugins(config, inputs.registry);
  checkTeacher(config, plugins, inputs.student, inputs.teacher);
  if (inputs.data) checkData(config, plugins, inputs.student, inputs.data);
  return { config, plugins };
}
