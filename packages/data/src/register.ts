/** One call that registers every tokenizer and dataset of this package. */
import type { Registry } from "@adaptive-sparse/core";
import { jsonlDataset } from "./loaders/jsonl.js";
import { mobyDickDataset } from "./loaders/moby-dick.js";
import { parquetDataset } from "./loaders/parquet.js";
import { sotuDataset } from "./loaders/sotu.js";
import { spamAssassinHamDataset } from "./loaders/spam-assassin-ham.js";
import { textFileDataset } from "./loaders/text-file.js";
import { textFolderDataset } from "./loaders/text-folder.js";
import { tokenBinDataset } from "./loaders/token-bin.js";
import { bpeTokenizer } from "./tokenizers/bpe.js";
import { byteTokenizer } from "./tokenizers/byte.js";
import { gpt2Tokenizer } from "./tokenizers/gpt2.js";
import { hfTokenizer } from "./tokenizers/hf.js";
import type { DatasetPlugin, TokenizerPlugin } from "./types.js";

/** Every tokenizer plugin of this package. */
export const tokenizerPlugins: readonly TokenizerPlugin[] = [gpt2Tokenizer, byteTokenizer, bpeTokenizer, hfTokenizer];

/** Every dataset plugin of this package. */
export const datasetPlugins: readonly DatasetPlugin[] = [
  textFileDataset,
  textFolderDataset,
  jsonlDataset,
  parquetDataset,
  tokenBinDataset,
  sotuDataset,
  mobyDickDataset,
  spamAssassinHamDataset,
];

/**
 * Registers the tokenizers (`gpt2`, `byte`, `bpe`, `hf`) and datasets (`text-file`, `text-folder`,
 * `jsonl`, `parquet`, `token-bin`, `sotu`, `moby-dick`, `spam-assassin-ham`). Nothing is loaded
 * until a plugin's `create`/`load` is called.
 *
 * @example
 * const registry = createRegistry();
 * registerData(registry);
 * const corpus = await registry.get("dataset", "sotu").load({ fromYear: 1900 });
 * @throws DuplicatePluginError when one of the names is already registered.
 */
export function registerData(registry: Registry): void {
  for (const plugin of tokenizerPlugins) registry.register("tokenizer", plugin.name, plugin);
  for (const plugin of datasetPlugins) registry.register("dataset", plugin.name, plugin);
}
