import { existsSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { extname } from "node:path";
import {
  cachedTokens, hashDocuments, loadJsonl, loadMobyDick, loadParquet, loadSotu, loadSpamAssassinHam, loadTextFile, loadTextFolder, loadTokenBin,
  splitDocuments, tokenizeCorpus, type Corpus, type TokenArray, type Tokenizer,
} from "@adaptive-sparse/data";
import { CliError } from "./errors.js";

/** Corpora that ship as npm packages, usable by name. */
export const BUILTIN_CORPORA = ["sotu", "moby-dick", "spam-assassin-ham"] as const;

/**
 * Loads a corpus named by `spec`: a built-in name, or a path to a text file, a folder of .txt files, a
 * JSONL file (optionally .gz, field `text`) or a Parquet file (column `text`).
 */
export async function loadCorpus(spec: string): Promise<Corpus> {
  if (spec === "sotu") return loadSotu();
  if (spec === "moby-dick") return loadMobyDick();
  if (spec === "spam-assassin-ham") return loadSpamAssassinHam();
  if (!existsSync(spec)) {
    throw new CliError(`corpus "${spec}" is neither a built-in corpus (${BUILTIN_CORPORA.join(", ")}) nor an existing file or folder; check the path`);
  }
  if (statSync(spec).isDirectory()) return loadTextFolder({ path: spec });
  if (spec.endsWith(".jsonl") || spec.endsWith(".jsonl.gz") || spec.endsWith(".json.gz")) return loadJsonl({ path: spec });
  if (extname(spec) === ".parquet") return loadParquet({ path: spec });
  return loadTextFile({ path: spec });
}

export interface CorpusTokens {
  readonly train: TokenArray;
  readonly validation: TokenArray;
}

/**
 * Tokens of a corpus split by document (seeded), cached under `cacheDir` as nanoGPT-style `.bin` files keyed
 * by corpus, tokenizer and split. A `.bin` path is taken as already tokenized (all of it is `train`).
 */
export async function corpusTokens(spec: string, tokenizer: Tokenizer, options: { cacheDir: string; validationFraction?: number; seed?: number }): Promise<CorpusTokens> {
  if (spec.endsWith(".bin")) {
    const { tokens } = await loadTokenBin({ path: spec, dtype: tokenizer.vocabSize <= 65536 ? "uint16" : "uint32" });
    return { train: tokens, validation: tokens.subarray(0, 0) as TokenArray };
  }
  const { validationFraction = 0.1, seed = 0 } = options;
  const tokenizerId = createHash("sha256").update(JSON.stringify((tokenizer as unknown as { toJSON?: () => unknown }).toJSON?.() ?? tokenizer.name)).digest("hex").slice(0, 12);
  const safe = spec.replace(/[^a-zA-Z0-9._-]+/g, "_").replace(/^[._-]+/, "").slice(-60) || "corpus";
  const split = splitDocuments(await loadCorpus(spec), { validationFraction, seed });
  const part = async (which: "train" | "validation") => {
    const key = { name: `${safe}-${tokenizerId}-${which}`, tokenizer: tokenizer.name, vocabSize: tokenizer.vocabSize, sourceHash: `${hashDocuments(split[which].documents)}-${validationFraction}-${seed}` };
    return (await cachedTokens(options.cacheDir, key, () => tokenizeCorpus(split[which], tokenizer))).tokens;
  };
  return { train: await part("train"), validation: await part("validation") };
}
