import { CliError } from "./errors.js";

/**
 * Trainer settings the commands fill in when neither the config file nor `--set` gives them.
 *
 * `prune` fills in when neither the config file nor `--set` gives them: the paper's
 * GPT-2 recipe (method.md §3.5, §3.6: lr warmup 2,000 → peak 2e-4 → cosine to 2e-5 over 40,000 steps;
 * decay ramp to λmax 1e-4 at step 10,000), with the step counts scaled to the run's length as the
 * example's README explains: warmup 5% of the steps, the decay ramp 25%.
 */
export const PRUNE_DEFAULTS = {
  lrMax: 2e-4,
  lrMin: 2e-5,
  warmupFraction: 0.05,
  decayMax: 1e-4,
  rampFraction: 0.25,
} as const;

/**
 * The trainer config with distillation turned on when `--teacher` names a teacher and the settings leave
 * `distill` out: a teacher is only read to distil from it, and `{}` is the trainer's default distillation
 * (0.33·CE + 0.67·KL at T = 2). Without this a named teacher went unused and the run trained on CE alone.
 * @throws CliError when the settings turn distillation off (`distill: null`) and a teacher is named.
 */
export function withTeacherDistill(trainer: Record<string, unknown>, teacher: string | undefined): Record<string, unknown> {
  if (teacher === undefined) return trainer;
  if (trainer.distill === null) {
    throw new CliError(`--teacher ${teacher}: the settings turn distillation off (trainer.distill: null), so the teacher would go unused; drop --teacher, or give trainer.distill (e.g. --set 'trainer.distill={}')`);
  }
  return trainer.distill === undefined ? { ...trainer, distill: {} } : trainer;
}

/** The `--help` paragraph that says which values are used. */
export const PRUNE_DEFAULTS_HELP = `
Defaults (when the config and --set leave them out; the paper's GPT-2 recipe scaled to --steps):
  trainer.lr.options:    max ${PRUNE_DEFAULTS.lrMax}, min ${PRUNE_DEFAULTS.lrMin}, warmupSteps ${PRUNE_DEFAULTS.warmupFraction * 100}% of the steps (warmup-cosine)
  trainer.decay.options: max ${PRUNE_DEFAULTS.decayMax}, rampSteps ${PRUNE_DEFAULTS.rampFraction * 100}% of the steps (linear-ramp)
  A small model may want more: the example (apps/example) uses lr max 1e-3 and decay max 0.1 with decay.mode gradient.`;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Fills `options` keys a schedule left out, only when the schedule is the default one (its keys are known). */
function fill(section: unknown, schedule: string, defaults: Record<string, number>): unknown {
  const current = isObject(section) ? section : {};
  if ((current.schedule ?? schedule) !== schedule) return section;
  const options = isObject(current.options) ? current.options : {};
  return { ...current, options: { ...defaults, ...options } };
}

/** The config's `steps` when it is a positive number (else the trainer's own message asks for steps). */
const stepsOf = (trainer: Record<string, unknown>) => (typeof trainer.steps === "number" && trainer.steps > 0 ? trainer.steps : undefined);

/** The trainer config with the shipped lr and decay defaults added where missing (needs `steps`). */
export function withPruneDefaults(trainer: Record<string, unknown>): Record<string, unknown> {
  const steps = stepsOf(trainer);
  if (steps === undefined) return trainer;
  const { lrMax, lrMin, warmupFraction, decayMax, rampFraction } = PRUNE_DEFAULTS;
  return {
    ...trainer,
    lr: fill(trainer.lr, "warmup-cosine", { max: lrMax, min: lrMin, warmupSteps: Math.round(steps * warmupFraction) }),
    decay: fill(trainer.decay, "linear-ramp", { max: decayMax, rampSteps: Math.round(steps * rampFraction) }),
  };
}

/**
 * What `pretrain` fills in: a small GPT's schedule (nanoGPT's for its character-level model: peak 1e-3,
 * cosine to 1e-4), warmup 5% of the steps.
 */
export const PRETRAIN_DEFAULTS = { lrMax: 1e-3, lrMin: 1e-4, warmupFraction: 0.05 } as const;

/** The `--help` lines that say which values `pretrain` uses. */
export const PRETRAIN_LR_HELP = `  trainer.lr.options: max ${PRETRAIN_DEFAULTS.lrMax}, min ${PRETRAIN_DEFAULTS.lrMin}, warmupSteps ${PRETRAIN_DEFAULTS.warmupFraction * 100}% of the steps (warmup-cosine)`;

/** The pretraining trainer config with the lr defaults added where missing (needs `steps`). */
export function withPretrainDefaults(trainer: Record<string, unknown>): Record<string, unknown> {
  const steps = stepsOf(trainer);
  if (steps === undefined) return trainer;
  const { lrMax, lrMin, warmupFraction } = PRETRAIN_DEFAULTS;
  return { ...trainer, lr: fill(trainer.lr, "warmup-cosine", { max: lrMax, min: lrMin, warmupSteps: Math.round(steps * warmupFraction) }) };
}
