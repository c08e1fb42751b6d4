import { validateOptions } from "@adaptive-sparse/core";
import { DECAY_MODES, type DecayMode } from "@adaptive-sparse/optim";
import { z } from "zod";

/** The training methods (method.md §3 for `ast`, §6 for the baselines). */
export const METHODS = ["dense", "one-shot", "naive", "imp", "gmp", "ast"] as const;

/** One of {@link METHODS}. */
export type Method = (typeof METHODS)[number];

const pluginOptions = z.record(z.string(), z.unknown());
const count = z.number().int().positive();
const seed = z.number().int().min(0).max(4294967295);
const beta = z.number().min(0).lt(1);

/** A loss chosen by registry name (kind `loss`) with its options. */
const lossChoice = (name: string) =>
  z
    .strictObject({
      loss: z.string().default(name).describe("registry name (kind `loss`)"),
      options: pluginOptions.default({}).describe("the loss plugin's options, checked by its zod schema"),
    })
    .prefault({});

const sections = {
  lr: z.strictObject({
    schedule: z.string().default("warmup-cosine").describe("registry name (kind `schedule`) of the learning-rate schedule"),
    options: pluginOptions.default({}).describe("the schedule's options; a `totalSteps` option left out is set to `steps`"),
  }),
  optimizer: z.strictObject({
    betas: z.tuple([beta, beta]).default([0.9, 0.95]).describe("AdamW [β₁, β₂] (reference: [0.9, 0.95])"),
    eps: z.number().nonnegative().default(1e-8),
    weightDecay: z.number().nonnegative().default(0.1).describe("decoupled AdamW weight decay on ≥2-D parameters"),
    clip: z.number().positive().nullable().default(1).describe("global gradient-norm clip; null = no clipping"),
  }),
  sparsity: z
    .strictObject({
      n: count.default(2).describe("weights kept per group"),
      m: count.default(4).describe("group width along the input axis"),
    })
    .superRefine((s, ctx) => {
      if (s.n >= s.m) {
        ctx.addIssue({
          code: "custom",
          path: ["n"],
          message: `n=${s.n} must be smaller than m=${s.m}: an N:M pattern keeps N of every M consecutive weights (2:4 keeps 2 of 4)`,
        });
      }
    }),
  mask: z.strictObject({
    strategy: z.string().default("magnitude").describe("registry name (kind `mask`) for the initial mask and every refresh"),
    options: pluginOptions.default({}).describe("the strategy's options, checked by its zod schema"),
    calibration: z
      .strictObject({
        windows: count.default(128).describe("calibration windows (method.md §2.2: 128)"),
        seed: seed.default(0).describe("seed of the calibration draw"),
        blockSize: count.optional().describe("window length; default the model's blockSize"),
        batchSize: count.default(8).describe("windows per calibration forward pass"),
      })
      .prefault({}),
  }),
  refresh: z.strictObject({
    every: count.default(10).describe("Δt: steps between mask refreshes (method.md §2.5)"),
    phase: z.enum(["after-step", "before-step"]).default("after-step").describe("refresh after the update of steps 0, Δt, 2Δt, … (reference) or before steps Δt, 2Δt, … (Algorithm 1)"),
  }),
  decay: z.strictObject({
    schedule: z.string().default("linear-ramp").describe("registry name of λ(t): a `schedule`, or a `decayController` such as `flip-target`"),
    options: pluginOptions.default({}).describe("its options; a `totalSteps` option left out is set to `steps`"),
    mode: z.enum(DECAY_MODES as [DecayMode, ...DecayMode[]]).default("decoupled").describe("where λ enters AdamW (method.md §3.4.2)"),
  }),
  distill: z
    .strictObject({
      wTask: z.number().nonnegative().default(0.33).describe("weight of the task loss (cross-entropy)"),
      wKL: z.number().nonnegative().default(0.67).describe("weight of the logit KL to the teacher"),
      wSq: z.number().nonnegative().default(0).describe("weight of the layerwise (SquareHead) loss"),
      temperature: z.number().positive().default(2).describe("KL temperature, passed to a KL loss that has a `temperature` option"),
      task: lossChoice("ce"),
      kl: lossChoice("kl"),
      layerwise: lossChoice("layerwise"),
    })
    .refine((d) => d.wTask + d.wKL + d.wSq > 0, { path: ["wTask"], message: "every loss weight is 0; set at least one of wTask, wKL, wSq above 0" }),
  slorb: z.strictObject({
    k: count.default(16).describe("inputs per SLoRB block; must divide every sparse layer's input width (method.md §5)"),
    init: z.enum(["mean", "sum", "zero", "xavier"]).default("mean"),
    trainableProjection: z.boolean().default(true),
  }),
  imp: z.strictObject({
    rounds: count.default(2).describe("pruning rounds (method.md §6.5: 3:4, then 2:4)"),
    rewind: z.boolean().default(true).describe("rewind surviving weights to their pretrained values before each later round"),
  }),
  gmp: z
    .strictObject({
      startFraction: z.number().min(0).lt(1).default(0).describe("t₀ as a fraction of steps"),
      endFraction: z.number().gt(0).max(1).default(0.5).describe("t₁ as a fraction of steps (target sparsity reached)"),
      every: count.default(100).describe("steps between pruning steps"),
    })
    .refine((g) => g.startFraction < g.endFraction, { path: ["endFraction"], message: "must be greater than startFraction (pruning ends after it starts)" }),
  eval: z.strictObject({
    every: z.number().int().nonnegative().default(0).describe("evaluate at steps t with t mod every = 0 (0: only after finalize)"),
    maxWindows: count.optional().describe("score only the first maxWindows windows of each validation set"),
    batchSize: count.default(2).describe("windows per forward pass (reference: 2)"),
    blockSize: z.number().int().min(2).optional().describe("window length; default the model's blockSize"),
  }),
  log: z.strictObject({
    every: count.default(10).describe("read loss and metrics from the device every this many steps (and before checkpoints, evaluations and the end); a non-finite loss stops the run there"),
    values: z
      .enum(["every-step", "logging-step"])
      .default("every-step")
      .describe("every-step: each step's metrics and each layer's flips are kept on the device and all read at the logging point; logging-step: only the logging step's metrics and model-wide flip totals (nanoGPT-style: the least device traffic)"),
  }),
  checkpoint: z
    .strictObject({
      dir: z.string().min(1).optional().describe("checkpoint folder (overwritten atomically at each save)"),
      every: count.optional().describe("save every this many steps (also on abort and at the end)"),
    })
    .refine((c) => c.every === undefined || c.dir !== undefined, { path: ["every"], message: "needs checkpoint.dir (where to save)" }),
};

/**
 * The trainer config (method.md §3.9 and §6): one strict zod schema for every method. Plugins are named
 * by registry name (`lr.schedule`, `decay.schedule`, `mask.strategy`, `distill.*.loss`) and their
 * options are checked by the plugin's own schema in `validateSetup`, before any compute.
 */
export const trainerConfigSchema = z
  .strictObject({
    method: z.enum(METHODS).describe("dense | one-shot | naive | imp | gmp | ast"),
    steps: z.number().int().nonnegative().default(0).describe("optimizer steps (t = 0 … steps − 1); ignored by one-shot"),
    batchSize: count.optional().describe("sequences per micro-batch; must equal the train sampler's when given"),
    gradAccum: count.default(1).describe("micro-batches per optimizer step (each loss divided by gradAccum)"),
    seed: seed.default(1337).describe("seed of the trainer's own randomness (random masks, SLoRB xavier init)"),
    lr: sections.lr.prefault({}),
    optimizer: sections.optimizer.prefault({}),
    sparsity: sections.sparsity.prefault({}),
    mask: sections.mask.prefault({}),
    refresh: sections.refresh.prefault({}),
    decay: sections.decay.prefault({}),
    distill: sections.distill.nullable().default(null).describe("null: plain cross-entropy"),
    slorb: sections.slorb.nullable().default(null).describe("null: no SLoRB (AST-Naive); set for AST-Boosted"),
    imp: sections.imp.prefault({}),
    gmp: sections.gmp.prefault({}),
    eval: sections.eval.prefault({}),
    log: sections.log.prefault({}),
    checkpoint: sections.checkpoint.prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.method !== "one-shot" && config.steps < 1) {
      ctx.addIssue({ code: "custom", path: ["steps"], message: `method "${config.method}" trains, so set steps >= 1 (optimizer steps)` });
    }
    if (config.method === "imp" && config.steps < config.imp.rounds) {
      ctx.addIssue({ code: "custom", path: ["steps"], message: `imp splits steps over ${config.imp.rounds} rounds; set steps >= imp.rounds` });
    }
  });

/** A trainer config as written by users (every section optional except `method`). */
export type TrainerConfigInput = z.input<typeof trainerConfigSchema>;
/** A validated trainer config with defaults filled in. */
export type TrainerConfig = z.output<typeof trainerConfigSchema>;

interface Unwrappable {
  unwrap?: () => unknown;
}

function objectSchema(schema: unknown): z.ZodObject | null {
  let current = schema;
  for (let depth = 0; depth < 8 && current; depth++) {
    if (current instanceof z.ZodObject) return current;
    const next = (current as Unwrappable).unwrap;
    if (typeof next !== "function") return null;
    current = next.call(current);
  }
  return null;
}

/** Validates nested sections on their own, so an unknown key lists the valid keys of its own section. */
function checkSectionKeys(where: string, schema: unknown, value: unknown): void {
  const object = objectSchema(schema);
  if (!object || value === null || typeof value !== "object" || Array.isArray(value)) return;
  const shape = object.shape as Record<string, unknown>;
  if (Object.keys(value).some((key) => !(key in shape))) validateOptions(where, object, value);
  for (const [key, child] of Object.entries(value)) if (key in shape) checkSectionKeys(`${where}.${key}`, shape[key], child);
}

/**
 * Validates a trainer config and fills the defaults.
 * @throws ConfigError naming each bad key with its section (`trainer config.mask.calibration: unknown
 *   option "window" (valid options: windows, seed, blockSize, batchSize)`).
 * @example parseTrainerConfig({ method: "ast", steps: 100, lr: { options: { max: 1e-3, min: 1e-4, warmupSteps: 10 } } })
 */
export function parseTrainerConfig(input: TrainerConfigInput | TrainerConfig): TrainerConfig {
  checkSectionKeys("trainer config", trainerConfigSchema, input);
  return validateOptions("trainer config", trainerConfigSchema, input);
}
