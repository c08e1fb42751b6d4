/**
 * Tokenizer `hf`: a Hugging Face `tokenizer.json` (GPT-2, LLaMA, OPT, ... as shipped in a model's
 * repository) through `@huggingface/tokenizers`, which is pure JS and needs no network. An optional
 * `tokenizer_config.json` next to it supplies the end-of-text token.
 */
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { DataFileError } from "../errors.js";
import { readText } from "../loaders/read-file.js";
import type { Tokenizer, TokenizerPlugin } from "../types.js";
import { assertTokenId } from "./token-check.js";

const schema = z.strictObject({
  /** Path of the Hugging Face `tokenizer.json`. */
  path: z.string().min(1),
  /** Path of `tokenizer_config.json`; defaults to the one next to `path`, when present. */
  configPath: z.string().min(1).optional(),
});

/** Options of the `hf` tokenizer plugin. */
export type HfTokenizerOptions = z.input<typeof schema>;

/** True when `json` looks like a Hugging Face tokenizer file (it has a `model` section). */
export function isHfTokenizerJson(json: unknown): boolean {
  return typeof json === "object" && json !== null && typeof (json as { model?: unknown }).model === "object";
}

interface HfJson {
  model: { vocab?: Record<string, number> | [string, number][] };
  added_tokens?: { id: number; content: string }[];
}

// End-of-text spellings of the common families, tried when tokenizer_config.json names none.
const EOT_CANDIDATES = ["<|endoftext|>", "</s>", "<|end_of_text|>", "<|eot_id|>"];

/** Number of ids: one past the largest id of the model's vocabulary and of the added tokens. */
function countIds(json: HfJson): number {
  let max = -1;
  const vocab = json.model.vocab;
  const ids = Array.isArray(vocab) ? vocab.map((_, id) => id) : Object.values(vocab ?? {});
  for (const id of ids) if (id > max) max = id;
  for (const token of json.added_tokens ?? []) if (token.id > max) max = token.id;
  return max + 1;
}

function eosName(config: Record<string, unknown>): string | undefined {
  const eos = config.eos_token;
  if (typeof eos === "string") return eos;
  if (eos && typeof eos === "object" && typeof (eos as { content?: unknown }).content === "string") return (eos as { content: string }).content;
  return undefined;
}

/**
 * The BOS id a document starts with, as the tokenizer's files say: `add_bos_token: false` in
 * tokenizer_config.json means none; else the special token the tokenizer.json post-processor puts before
 * the text (LLaMA-2's `<s>`, LLaMA-3's `<|begin_of_text|>`, OPT's `</s>`); else `bos_token` when
 * `add_bos_token` is true. GPT-2's files add none.
 */
function beginningOfSequence(hf: { encode(text: string, options: { add_special_tokens: boolean }): { ids: number[] }; token_to_id(text: string): number | undefined }, config: Record<string, unknown>): number | undefined {
  if (config.add_bos_token === false) return undefined;
  const plain = hf.encode("a", { add_special_tokens: false }).ids;
  const marked = hf.encode("a", { add_special_tokens: true }).ids;
  if (marked.length > plain.length && plain.every((id, i) => marked[i + 1] === id)) return marked[0];
  const bos = config.bos_token;
  const text = typeof bos === "string" ? bos : bos && typeof bos === "object" ? (bos as { content?: unknown }).content : undefined;
  return config.add_bos_token === true && typeof text === "string" ? hf.token_to_id(text) : undefined;
}

/**
 * Builds a tokenizer from the parsed `tokenizer.json` (and `tokenizer_config.json`, may be `{}`).
 * `encode` adds no special tokens; `tokenizeCorpus` puts `bosToken` (where the files ask for one) before
 * each document and the end-of-text id after it. `where` names the file in errors.
 *
 * @example
 * const tokenizer = await createHfTokenizer(JSON.parse(readFileSync("gpt2/tokenizer.json", "utf8")));
 * @throws DataFileError when the JSON is not a Hugging Face tokenizer file or the library rejects it.
 */
export async function createHfTokenizer(json: unknown, config: Record<string, unknown> = {}, where = "tokenizer \"hf\""): Promise<Tokenizer & { toJSON(): { type: "hf"; sha256: string } }> {
  if (!isHfTokenizerJson(json)) {
    throw new DataFileError(`${where}: not a Hugging Face tokenizer.json (it has no "model" section); pass the tokenizer.json from the model's Hugging Face repository`);
  }
  const { Tokenizer: HfTokenizer } = await import("@huggingface/tokenizers");
  let hf: InstanceType<typeof HfTokenizer>;
  try {
    hf = new HfTokenizer(json as object, config);
  } catch (error) {
    throw new DataFileError(`${where}: @huggingface/tokenizers cannot read it: ${(error as Error).message}`);
  }
  const vocabSize = countIds(json as HfJson);
  const eosText = eosName(config);
  const candidates = eosText ? [eosText] : EOT_CANDIDATES;
  const eotToken = candidates.map((text) => hf.token_to_id(text)).find((id) => id !== undefined);
  const bosToken = beginningOfSequence(hf, config);
  // Identifies the file (token caches are keyed by it): two tokenizer.json files never share cached ids.
  const sha256 = createHash("sha256").update(JSON.stringify(json)).digest("hex");
  return {
    name: "hf",
    vocabSize,
    toJSON: () => ({ type: "hf", sha256, ...(bosToken === undefined ? {} : { bos: bosToken }) }),
    ...(eotToken === undefined ? {} : { eotToken }),
    ...(bosToken === undefined ? {} : { bosToken }),
    encode: (text) => hf.encode(text, { add_special_tokens: false }).ids,
    decode(ids) {
      const list = Array.from(ids);
      list.forEach((id, position) => assertTokenId("hf", id, position, vocabSize));
      return hf.decode(list, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
    },
  };
}

/**
 * Reads a Hugging Face `tokenizer.json` (and `tokenizer_config.json` beside it, when present).
 * @throws DataFileError naming the file when it is missing, not JSON, or not a tokenizer file.
 */
export async function loadHfTokenizer(options: HfTokenizerOptions): Promise<Tokenizer> {
  const { path, configPath } = validateOptions('tokenizer "hf"', schema, options);
  const parse = async (file: string) => {
    const text = await readText('tokenizer "hf"', file);
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new DataFileError(`tokenizer "hf": ${file} is not valid JSON (${(error as Error).message})`);
    }
  };
  const sibling = join(dirname(path), "tokenizer_config.json");
  const config = configPath ? await parse(configPath) : existsSync(sibling) ? await parse(sibling) : {};
  return createHfTokenizer(await parse(path), config, `tokenizer "hf" (${path})`);
}

/** The `hf` tokenizer plugin: options `{ path, configPath? }`. */
export const hfTokenizer: TokenizerPlugin = {
  name: "hf",
  apiVersion: 1,
  description: "A Hugging Face tokenizer.json (GPT-2, LLaMA, OPT, ...) via @huggingface/tokenizers, offline.",
  options: schema,
  create: (options) => loadHfTokenizer(options as HfTokenizerOptions),
};
