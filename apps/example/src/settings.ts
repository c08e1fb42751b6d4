import { readConfigFile, applyOverrides } from "@adaptive-sparse/cli";
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";

export const METHOD_NAMES = ["dense", "dense-continued", "magnitude", "wanda", "sparsegpt", "naive", "imp", "gmp", "fixed-mask", "static-sr-ste", "ast-naive", "ast-boosted"] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

const validationSet = z.strictObject({ corpus: z.string().min(1), split: z.enum(["train", "validation", "all"]).default("validation") });

const shape = {
  teacher: z.string().min(1).describe("teacher model folder (relative to apps/example)"),
  retrain: z.string().min(1).describe("retraining corpus (its train split is used); a+b mixes corpora"),
  validation: z.record(z.string(), validationSet),
  methods: z.array(z.enum(METHOD_NAMES)).min(1),
  seeds: z.array(z.number().int().min(0)).min(1),
  steps: z.number().int().positive(),
  batchSize: z.number().int().positive(),
  evalWindows: z.number().int().positive(),
  calibrationWindows: z.number().int().positive(),
  trainer: z.record(z.string(), z.unknown()),
};

export const exampleSettings = z.strictObject({ ...shape, quick: z.strictObject(shape).partial().default({}) });
export type ExampleSettings = z.output<typeof exampleSettings>;

/** Reads config.yaml, applies --quick and --set overrides, validates. */
export async function loadExampleSettings(path: string, quick: boolean, overrides: readonly string[]): Promise<ExampleSettings> {
  const raw = await readConfigFile(path);
  const merged = quick ? { ...raw, ...(raw.quick as object) } : raw;
  return validateOptions(`example config ${path}`, exampleSettings as never, applyOverrides(merged, overrides)) as ExampleSettings;
}
