import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Registry } from "@adaptive-sparse/core";
import { isHfTokenizerJson, type Tokenizer } from "@adaptive-sparse/data";
import { writeFileAtomic, writeJsonAtomic } from "@adaptive-sparse/io";
import { CliError } from "./errors.js";
import { createCliRegistry } from "./registry.js";

/** The file a model folder keeps its tokenizer in (ours, or a Hugging Face one). */
export const TOKENIZER_FILE = "tokenizer.json";

/**
 * Our own `tokenizer.json`: `tokenizer` names a registered tokenizer plugin (`gpt2`, `byte`, `bpe`, or
 * your own), `options` are its options; a trained BPE keeps its merges under `bpe`. A Hugging Face
 * `tokenizer.json` (it has a `model` section) is read by the `hf` plugin instead.
 */
export interface TokenizerFile {
  readonly tokenizer: string;
  readonly options?: Record<string, unknown>;
  readonly bpe?: unknown;
}

/**
 * A model folder's tokenizer: a Hugging Face `tokenizer.json` (with `tokenizer_config.json` beside it),
 * our own `tokenizer.json` (looked up by name in `registry`), or GPT-2 BPE when the folder has neither.
 * @throws CliError naming the file when it is not JSON or names an unknown tokenizer.
 */
export async function loadFolderTokenizer(folder: string, registry: Registry = createCliRegistry()): Promise<Tokenizer> {
  const path = join(folder, TOKENIZER_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return registry.get("tokenizer", "gpt2").create({});
  }
  let file: TokenizerFile;
  try {
    file = JSON.parse(text) as TokenizerFile;
  } catch (error) {
    throw new CliError(`${path} is not valid JSON (${(error as Error).message}); write a Hugging Face tokenizer.json or our {"tokenizer": "<name>"} file, or delete it to use GPT-2's BPE`);
  }
  if (isHfTokenizerJson(file)) return registry.get("tokenizer", "hf").create({ path });
  const names = registry.names("tokenizer");
  if (typeof file?.tokenizer !== "string" || !registry.has("tokenizer", file.tokenizer)) {
    throw new CliError(`${path}: unknown tokenizer ${JSON.stringify(file?.tokenizer)}; expected a Hugging Face tokenizer.json (with a "model" section) or {"tokenizer": one of ${names.join(", ")}}`);
  }
  const options = file.tokenizer === "bpe" && file.bpe !== undefined ? { model: file.bpe } : (file.options ?? {});
  return registry.get("tokenizer", file.tokenizer).create(options);
}

/** The `tokenizer.json` content describing `tokenizer` (a trained BPE carries its merges). */
export function tokenizerFile(tokenizer: Tokenizer): TokenizerFile {
  if (tokenizer.name === "bpe") return { tokenizer: "bpe", bpe: (tokenizer as unknown as { toJSON(): unknown }).toJSON() };
  return { tokenizer: tokenizer.name };
}

/**
 * Writes `tokenizer.json` for tokenizers other than GPT-2's (whose folder needs none). A Hugging Face
 * tokenizer's file is copied from `source` (the folder it was loaded from).
 */
export async function saveFolderTokenizer(folder: string, tokenizer: Tokenizer, source?: string): Promise<void> {
  if (tokenizer.name === "gpt2") return;
  if (tokenizer.name === "hf") {
    if (!source) throw new CliError(`cannot write ${join(folder, TOKENIZER_FILE)}: a Hugging Face tokenizer is copied from the folder it came from, and none was given`);
    if (source === folder) return;
    for (const name of [TOKENIZER_FILE, "tokenizer_config.json"]) {
      const text = await readFile(join(source, name), "utf8").catch(() => undefined);
      if (text !== undefined) await writeFileAtomic(join(folder, name), text);
    }
    return;
  }
  await writeJsonAtomic(join(folder, TOKENIZER_FILE), tokenizerFile(tokenizer));
}
