import { ConfigError, SparseError, UnknownPluginError, validateOptions, type PluginKind, type PluginKinds, type Registry } from "@adaptive-sparse/core";
import type { LossFunction, LossInputs, LossPlugin } from "@adaptive-sparse/distill";
import type { MaskStrategy } from "@adaptive-sparse/masks";
import type { FlipRateControllerState, FlipRateDecision, Schedule } from "@adaptive-sparse/schedulers";
import { z } from "zod";
import type { TrainerConfig } from "./config.js";

/** λ(t) for the optimizer: a pure schedule, or a controller that also learns from observed flip rates. */
export interface DecaySource {
  readonly name: string;
  value(step: number): number;
  /** Present for controllers: called with the flip ratio vs the previous mask at each refresh. */
  observe?(step: number, flipRatio: number): FlipRateDecision;
  state?(): FlipRateControllerState;
  restore?(state: FlipRateControllerState): void;
}

/** The loss terms of the config, built from their plugins (only those with a non-zero weight). */
export interface ResolvedLosses {
  readonly weights: { readonly wTask: number; readonly wKL: number; readonly wSq: number };
  readonly task: LossFunction | null;
  readonly kl: LossFunction | null;
  readonly layerwise: LossFunction | null;
  /** Some weighted loss reads the teacher's logits or hidden states. */
  readonly needsTeacher: boolean;
  /** Some weighted loss reads per-block hidden states. */
  readonly needsHidden: boolean;
}

/** The chosen mask strategy with its (validated) options. */
export interface ResolvedMask {
  readonly strategy: MaskStrategy;
  /** The options as written in the config; the strategy validates them again at each compute. */
  readonly options: Record<string, unknown>;
}

/** Every plugin a config names, looked up and with options checked. Null where the method does not use it. */
export interface ResolvedPlugins {
  readonly lr: Schedule | null;
  readonly decay: DecaySource | null;
  readonly mask: ResolvedMask | null;
  readonly losses: ResolvedLosses | null;
}

/** Wraps registry and option errors so the message starts with the config path that caused them. */
function atPath<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UnknownPluginError) throw new UnknownPluginError(`trainer config ${path}: ${error.message}`);
    if (error instanceof ConfigError) throw new ConfigError(`trainer config ${path}: ${error.message}`);
    throw error;
  }
}

function lookup<K extends PluginKind>(registry: Registry, kind: K, name: string, path: string): PluginKinds[K] {
  return atPath(path, () => registry.get(kind, name));
}

function optionKeys(schema: unknown): readonly string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** Fills an option the plugin has but the config left out (e.g. `totalSteps` from `steps`). */
function withDefault(schema: unknown, options: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  return optionKeys(schema).includes(key) && options[key] === undefined ? { ...options, [key]: value } : options;
}

function resolveLr(config: TrainerConfig, registry: Registry): Schedule {
  const plugin = lookup(registry, "schedule", config.lr.schedule, "lr.schedule");
  const options = withDefault(plugin.options, config.lr.options, "totalSteps", config.steps);
  return atPath("lr.options", () => plugin.create(options as never));
}

function resolveDecay(config: TrainerConfig, registry: Registry): DecaySource {
  const { schedule: name } = config.decay;
  if (registry.has("decayController", name)) {
    const plugin = registry.get("decayController", name);
    const options = withDefault(plugin.options, config.decay.options, "totalSteps", config.steps);
    const controller = atPath("decay.options", () => plugin.create(options as never));
    return {
      name,
      value: (step) => controller.value(step),
      observe: (step, ratio) => controller.observe(step, ratio),
      state: () => controller.state(),
      restore: (state) => controller.restore(state),
    };
  }
  if (registry.has("schedule", name)) {
    const plugin = registry.get("schedule", name);
    const options = withDefault(plugin.options, config.decay.options, "totalSteps", config.steps);
    const schedule = atPath("decay.options", () => plugin.create(options as never));
    return { name, value: schedule };
  }
  const schedules = registry.names("schedule");
  const controllers = registry.names("decayController");
  throw new UnknownPluginError(
    `trainer config decay.schedule: unknown decay source "${name}"; registered schedules: ${schedules.join(", ") || "(none)"}; ` +
      `registered decay controllers: ${controllers.join(", ") || "(none)"}`,
  );
}

/** The mask strategy a sparse method uses; imp and gmp prune by magnitude by definition (method.md §6.5). */
function resolveMask(config: TrainerConfig, registry: Registry): ResolvedMask {
  const { strategy: name, options } = config.mask;
  if ((config.method === "imp" || config.method === "gmp") && name !== "magnitude") {
    throw new ConfigError(
      `trainer config mask.strategy: method "${config.method}" prunes by magnitude (method.md §6.5), so mask.strategy "${name}" would be ignored; ` +
        `remove it (or use method "ast"/"naive"/"one-shot" to choose a strategy)`,
    );
  }
  const strategy = lookup(registry, "mask", name, "mask.strategy");
  validateOptions(`trainer config mask.options (mask "${name}")`, strategy.options as never, options);
  return { strategy, options };
}

const TEACHER_INPUTS: readonly (keyof LossInputs)[] = ["teacherLogits", "teacherHidden"];
const HIDDEN_INPUTS: readonly (keyof LossInputs)[] = ["studentHidden", "teacherHidden"];

function resolveLosses(config: TrainerConfig, registry: Registry): ResolvedLosses {
  const distill = config.distill;
  const weights = distill ? { wTask: distill.wTask, wKL: distill.wKL, wSq: distill.wSq } : { wTask: 1, wKL: 0, wSq: 0 };
  const used: LossPlugin[] = [];
  const build = (term: "task" | "kl" | "layerwise", weight: number, fallback: string): LossFunction | null => {
    if (weight === 0) return null;
    const choice = distill?.[term] ?? { loss: fallback, options: {} };
    const plugin = lookup(registry, "loss", choice.loss, `distill.${term}.loss`);
    used.push(plugin);
    const options = term === "kl" ? withDefault(plugin.options, choice.options, "temperature", distill?.temperature) : choice.options;
    return atPath(`distill.${term}.options`, () => plugin.create(options as never));
  };
  const task = build("task", weights.wTask, "ce");
  const kl = build("kl", weights.wKL, "kl");
  const layerwise = build("layerwise", weights.wSq, "layerwise");
  const needs = (inputs: readonly (keyof LossInputs)[]) => used.some((plugin) => plugin.needs.some((need) => inputs.includes(need)));
  return { weights, task, kl, layerwise, needsTeacher: needs(TEACHER_INPUTS), needsHidden: needs(HIDDEN_INPUTS) };
}

/**
 * Looks up every plugin the config names and checks its options with the plugin's schema (so a typo
 * fails here, before any compute). Plugins a method does not use are not looked up.
 * @throws UnknownPluginError listing the registered names; ConfigError naming the config path and option.
 */
export function resolvePlugins(config: TrainerConfig, registry: Registry): ResolvedPlugins {
  const trains = config.method !== "one-shot";
  const sparse = config.method !== "dense";
  try {
    return {
      lr: trains ? resolveLr(config, registry) : null,
      decay: config.method === "ast" ? resolveDecay(config, registry) : null,
      mask: sparse ? resolveMask(config, registry) : null,
      losses: trains ? resolveLosses(config, registry) : null,
    };
  } catch (error) {
    if (SparseError.isInstance(error)) throw error;
    throw new ConfigError(`trainer config: a plugin failed while checking its options: ${(error as Error).message}`);
  }
}
