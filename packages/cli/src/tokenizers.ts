import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { bpeFromJSON, createByteTokenizer, createGpt2Tokenizer, type Tokenizer } from "@adaptive-sparse/data";
import { writeJsonAtomic } from "@adaptive-sparse/io";
import { CliError } from "./errors.js";

/** The file a model folder keeps its tokenizer in when it is not GPT-2's BPE. */
export const TOKENIZER_FILE = "tokenizer.json";

export interface TokenizerFile {
  readonly tokenizer: "gpt2" | "byte" | "bpe";
  readonly bpe?: unknown;
}

/** A model folder's tokenizer: `tokenizer.json` when present, else GPT-2 BPE (a Hugging Face GPT-2 folder). */
export async function loadFolderTokenizer(folder: string): Promise<Tokenizer> {
  let text: string;
  try {
    text = await readFile(join(folder, TOKENIZER_FILE), "utf8");
  } catch {
    return createGpt2Tokenizer();
  }
  const file = JSON.parse(text) as TokenizerFile;
  if (file.tokenizer === "bpe") return bpeFromJSON(file.bpe);
  if (file.tokenizer === "byte") return createByteTokenizer();
  if (file.tokenizer === "gpt2") return createGpt2Tokenizer();
  throw new CliError(`${join(folder, TOKENIZER_FILE)}: unknown tokenizer "${String(file.tokenizer)}" (valid: gpt2, byte, bpe)`);
}

/** The `tokenizer.json` content describing `tokenizer` (a trained BPE carries its merges). */
export function tokenizerFile(tokenizer: Tokenizer): TokenizerFile {
  if (tokenizer.name === "bpe") return { tokenizer: "bpe", bpe: (tokenizer as unknown as { toJSON(): unknown }).toJSON() };
  return { tokenizer: tokenizer.name as TokenizerFile["tokenizer"] };
}

/** Writes `tokenizer.json` for tokenizers other than GPT-2's (whose folder needs none). */
export async function saveFolderTokenizer(folder: string, tokenizer: Tokenizer): Promise<void> {
  if (tokenizer.name === "gpt2") return;
  await writeJsonAtomic(join(folder, TOKENIZER_FILE), tokenizerFile(tokenizer));
}
