/**
 * @adaptive-sparse/data: tokenizers, corpus loaders, token caches and seeded window sampling, on
 * plain typed arrays.
 *
 * - Tokenizers: gpt2 (js-tiktoken), byte, bpe (trainBpe / bpeFromJSON), hf (a Hugging Face tokenizer.json)
 * - Corpora: text-file, text-folder, jsonl(.gz), parquet, token-bin, sotu, moby-dick, spam-assassin-ham
 * - Preparation: mixCorpora, splitDocuments, tokenizeCorpus, cachedTokens
 * - Sampling: createWindowSampler, calibrationWindows, evalWindows, spreadWindows
 */
export type {
  Corpus,
  CorpusPart,
  DataPluginBase,
  DatasetPlugin,
  TextDatasetPlugin,
  TokenArray,
  TokenCorpus,
  TokenDType,
  TokenDatasetPlugin,
  TokenSource,
  Tokenizer,
  TokenizerPlugin,
} from "./types.js";
export { CorpusTooShortError, DataFileError, EmptyCorpusError, InvalidTokenError, TextFieldError, TokenFileError } from "./errors.js";
export { makeCorpus } from "./corpus.js";
export { mixCorpora } from "./mixture.js";

export { createGpt2Tokenizer, gpt2Tokenizer } from "./tokenizers/gpt2.js";
export { createByteTokenizer, byteTokenizer } from "./tokenizers/byte.js";
export type { BpeJSON, BpeTokenizer } from "./tokenizers/bpe.js";
export { bpeFromJSON, bpeTokenizer, createBpeTokenizer } from "./tokenizers/bpe.js";
export type { TrainBpeOptions } from "./tokenizers/bpe-train.js";
export { trainBpe } from "./tokenizers/bpe-train.js";
export type { HfTokenizerOptions } from "./tokenizers/hf.js";
export { createHfTokenizer, hfTokenizer, isHfTokenizerJson, loadHfTokenizer } from "./tokenizers/hf.js";
export { bpeToHfJson, byteToUnicode } from "./tokenizers/bpe-to-hf.js";
export { EOT_TEXT } from "./tokenizers/token-check.js";
export { GPT2_SPLIT_PATTERN, forEachWord } from "./tokenizers/pretokenize.js";

export type { TextFileOptions } from "./loaders/text-file.js";
export { loadTextFile, textFileDataset } from "./loaders/text-file.js";
export type { TextFolderOptions } from "./loaders/text-folder.js";
export { loadTextFolder, textFolderDataset } from "./loaders/text-folder.js";
export type { JsonlOptions } from "./loaders/jsonl.js";
export { jsonlDataset, loadJsonl } from "./loaders/jsonl.js";
export type { ParquetOptions } from "./loaders/parquet.js";
export { loadParquet, parquetDataset } from "./loaders/parquet.js";
export type { TokenBinOptions } from "./loaders/token-bin.js";
export { loadTokenBin, tokenBinDataset, writeTokenBin } from "./loaders/token-bin.js";
export type { SotuOptions } from "./loaders/sotu.js";
export { loadSotu, sotuDataset, splitSotuByYear } from "./loaders/sotu.js";
export { loadMobyDick, mobyDickDataset } from "./loaders/moby-dick.js";
export { loadSpamAssassinHam, messageBody, spamAssassinHamDataset } from "./loaders/spam-assassin-ham.js";

export type { CorpusSplit, SplitOptions } from "./split.js";
export { splitDocuments } from "./split.js";
export { tokenDTypeFor, tokenizeCorpus } from "./tokenize-corpus.js";
export type { CachedTokens, TokenCacheKey, TokenCacheMeta } from "./cache/cached-tokens.js";
export { cachedTokens, hashDocuments } from "./cache/cached-tokens.js";
export { writeFileAtomic } from "./cache/atomic-write.js";

export type { PrngState } from "./sampling/prng.js";
export { Prng, createPrng, shuffleInPlace } from "./sampling/prng.js";
export type { WindowSet } from "./sampling/windows.js";
export type { WindowBatch, WindowSampler, WindowSamplerOptions, WindowSamplerState } from "./sampling/window-sampler.js";
export { createWindowSampler } from "./sampling/window-sampler.js";
export type { CalibrationOptions } from "./sampling/calibration.js";
export { calibrationWindows } from "./sampling/calibration.js";
export { evalWindows, spreadWindows } from "./sampling/eval-windows.js";

export { datasetPlugins, registerData, tokenizerPlugins } from "./register.js";
