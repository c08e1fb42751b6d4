/**
 * Shapes shared by every module of this package. Everything is plain data and typed arrays: this
 * package never touches `Tensor`, so the trainer decides when tokens move to a device.
 */
import type { ZodType } from "zod";

/** A token stream as stored on disk and in memory: uint16 when the vocabulary fits, else uint32. */
export type TokenArray = Uint16Array | Uint32Array;

/** Element type of a {@link TokenArray} (nanoGPT `.bin` files are raw little-endian arrays of it). */
export type TokenDType = "uint16" | "uint32";

/** Anything the samplers can read tokens from. */
export type TokenSource = ArrayLike<number>;

/** Turns text into token ids and back. */
export interface Tokenizer {
  /** Registry name of the tokenizer (`gpt2`, `byte`, `bpe`). */
  readonly name: string;
  /** Number of distinct ids, including the end-of-text token. Every id is `< vocabSize`. */
  readonly vocabSize: number;
  /** Id appended after each document by `tokenizeCorpus`; absent when the tokenizer has none. */
  readonly eotToken?: number;
  /**
   * Id put before each document by `tokenizeCorpus` (and before a prompt), where the tokenizer's own files ask
   * for one (LLaMA's `<s>`, OPT's `</s>`); absent for GPT-2 and our own tokenizers.
   */
  readonly bosToken?: number;
  /** Encodes text as ordinary text: special-token strings such as `<|endoftext|>` are not special. */
  encode(text: string): number[] | Int32Array;
  /** Decodes ids back to text; the end-of-text id becomes `<|endoftext|>`. */
  decode(ids: ArrayLike<number>): string;
}

/** A set of documents, one string per document (documents never share a string). */
export interface Corpus {
  readonly name: string;
  readonly documents: string[];
  /**
   * For a mixture ({@link mixCorpora}): its components in order, each a run of consecutive documents.
   * `splitDocuments` splits each part on its own, so every component has held-out documents.
   */
  readonly parts?: readonly CorpusPart[];
}

/** One component of a mixed corpus: its name and how many consecutive documents it contributes. */
export interface CorpusPart {
  readonly name: string;
  readonly documents: number;
}

/** A corpus that is already tokenized (nanoGPT `.bin` files). */
export interface TokenCorpus {
  readonly name: string;
  readonly dtype: TokenDType;
  readonly tokens: TokenArray;
}

/** Fields every plugin object in this package carries (style.md §2.3). */
export interface DataPluginBase {
  readonly name: string;
  readonly apiVersion: 1;
  readonly description: string;
  /** zod schema of the options; unknown keys are errors. */
  readonly options: ZodType;
}

/** Registry kind `tokenizer`: a factory for a {@link Tokenizer}. */
export interface TokenizerPlugin extends DataPluginBase {
  /** Validates `options` against {@link DataPluginBase.options} and builds the tokenizer. */
  create(options?: unknown): Promise<Tokenizer>;
}

/** A dataset plugin that yields documents. */
export interface TextDatasetPlugin extends DataPluginBase {
  readonly format: "text";
  load(options?: unknown): Promise<Corpus>;
}

/** A dataset plugin that yields an already-tokenized stream (no documents to split). */
export interface TokenDatasetPlugin extends DataPluginBase {
  readonly format: "tokens";
  load(options?: unknown): Promise<TokenCorpus>;
}

/** Registry kind `dataset`; `format` tells whether `load` returns documents or tokens. */
export type DatasetPlugin = TextDatasetPlugin | TokenDatasetPlugin;

declare module "@adaptive-sparse/core" {
  interface PluginKinds {
    tokenizer: TokenizerPlugin;
    dataset: DatasetPlugin;
  }
}
