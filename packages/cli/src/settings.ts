import { z } from "zod";
import { validateOptions } from "@adaptive-sparse/core";
import { CliError } from "./errors.js";
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
  corpus: z.string().min(1).describe("registered corpus (sotu, moby-dick, spam-assassin-ham, or your own) or a path"),
  separator: z.string().min(1).optional().describe("cuts a single text file into documents on this string; default: blank lines"),
  textField: z.string().min(1).optional().describe("the JSONL field or Parquet column that holds the text; default: text"),
  validationFraction: z.number().gt(0).lt(1).default(0.1),
  splitSeed: z.number().int().min(0).default(0),
  batchSize: z.number().int().positive().default(8),
  blockSize: z.number().int().positive().optional().describe("window length; default the model's blockSize"),
  seed: z.number().int().min(0).default(1337).describe("seed of the window sampler"),
  cacheDir: z.string().default(".cache/adaptive-sparse"),
});

/** Extra validation sets: corpus specs whose validation split is scored for perplexity. */
export const evalSettings = z.strictObject({ corpora: z.array(z.string().min(1)).default([]) }).prefault({});

/** The GPT pretrain makes when the settings leave `model` keys out: the example teacher's shape (nanoGPT-style defaults). */
export const PRETRAIN_MODEL_DEFAULTS = { nLayer: 4, nHead: 4, nEmbd: 128, blockSize: 64 } as const;

export const pretrainSettings = z.strictObject({
  model: z
    .record(z.string(), z.unknown())
    .prefault({})
    .describe("GPT config (nLayer, nHead, nEmbd, blockSize, dropout, bias); keys left out take PRETRAIN_MODEL_DEFAULTS, vocabSize the tokenizer's"),
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

/** The value at a dotted key path, or undefined. */
function valueAt(config: Record<string, unknown>, path: string): unknown {
  let value: unknown = config;
  for (const key of path.split(".")) value = value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/**
 * A command's settings: the config file (JSON or YAML) if given, then `--set` overrides, then the flags the
 * command maps onto keys; validated with `schema` (unknown keys are errors that list the valid ones).
 * `required` maps a key path to its flag: a missing one is named as the flag (`--corpus is required`).
 * `complete` may fill in defaults that depend on other settings before validation.
 */
export async function loadSettings<S extends z.ZodType>(
  schema: S, where: string, file: string | undefined, overrides: readonly string[], flags: Record<string, unknown>,
  required: Record<string, string> = {}, complete: (config: Record<string, unknown>) => Record<string, unknown> = (config) => config,
): Promise<z.output<S>> {
  let config = file ? await readConfigFile(file) : {};
  config = applyOverrides(config, overrides);
  config = applyValues(config, flags);
  for (const [path, flag] of Object.entries(required)) {
    if (valueAt(config, path) === undefined) throw new CliError(`${where}: ${flag} is required (or set ${path} in the -c config file, or --set ${path}=...)`);
  }
  config = complete(config);
  return validateOptions(file ? `${where} (config ${file})` : where, schema as never, config) as z.output<S>;
}
