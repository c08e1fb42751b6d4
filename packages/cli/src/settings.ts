import { z } from "zod";
import { validateOptions } from "@adaptive-sparse/core";
import { readConfigFile } from "./config-file.js";
import { applyOverrides, applyValues } from "./overrides.js";

/** How a command gets its tokenizer when it trains from scratch. */
export const tokenizerSettings = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("gpt2") }),
  z.strictObject({ type: z.literal("byte") }),
  z.strictObject({ type: z.literal("bpe"), vocabSize: z.number().int().min(258).describe("ids incl. 256 bytes and end-of-text") }),
]);

/** Training data: a corpus (built-in name or path), split by document, sampled in random windows. */
export const dataSettings = z.strictObject({
  corpus: z.string().min(1).describe("built-in corpus (sotu, moby-dick, spam-assassin-ham) or a path"),
  validationFraction: z.number().gt(0).lt(1).default(0.1),
  splitSeed: z.number().int().min(0).default(0),
  batchSize: z.number().int().positive().default(8),
  blockSize: z.number().int().positive().optional().describe("window length; default the model's blockSize"),
  seed: z.number().int().min(0).default(1337).describe("seed of the window sampler"),
  cacheDir: z.string().default(".cache/adaptive-sparse"),
});

/** Extra validation sets: corpus specs whose validation split is scored for perplexity. */
export const evalSettings = z.strictObject({ corpora: z.array(z.string().min(1)).default([]) }).prefault({});

export const pretrainSettings = z.strictObject({
  model: z.record(z.string(), z.unknown()).describe("GPT config (nLayer, nHead, nEmbd, blockSize, dropout, bias); vocabSize defaults to the tokenizer's"),
  tokenizer: tokenizerSettings.prefault({ type: "gpt2" }),
  data: dataSettings,
  eval: evalSettings,
  seed: z.number().int().min(0).default(0).describe("seed of the initial weights"),
  trainer: z.record(z.string(), z.unknown()).prefault({}).describe("trainer config (method is set to dense)"),
});

export const pruneSettings = z.strictObject({
  data: dataSettings,
  eval: evalSettings,
  trainer: z.record(z.string(), z.unknown()).prefault({}).describe("trainer config: method, steps, lr, decay, distill, slorb, ..."),
});

/**
 * A command's settings: the config file (JSON or YAML) if given, then `--set` overrides, then the flags the
 * command maps onto keys; validated with `schema` (unknown keys are errors that list the valid ones).
 */
export async function loadSettings<S extends z.ZodType>(schema: S, where: string, file: string | undefined, overrides: readonly string[], flags: Record<string, unknown>): Promise<z.output<S>> {
  let config = file ? await readConfigFile(file) : {};
  config = applyOverrides(config, overrides);
  config = applyValues(config, flags);
  return validateOptions(file ? `${where} (config ${file})` : where, schema as never, config) as z.output<S>;
}
