import { corpusTokens, loadCorpus } from "@adaptive-sparse/cli";
import { tokenizeCorpus, type TokenArray, type Tokenizer } from "@adaptive-sparse/data";
import type { ExampleSettings } from "./settings.js";

const CACHE = ".cache/adaptive-sparse";

/** Tokens of the retraining corpus (train split) and of each validation set, with the teacher's tokenizer. */
export async function loadExampleData(settings: ExampleSettings, tokenizer: Tokenizer) {
  // The teacher's pretraining split (validationFraction 0.1, splitSeed 0) defines which SOTU addresses are held out.
  const options = { cacheDir: CACHE, validationFraction: 0.1, seed: 0 };
  const retrain = (await corpusTokens(settings.retrain, tokenizer, options)).train;
  const validation: Record<string, TokenArray> = {};
  for (const [name, { corpus, split }] of Object.entries(settings.validation)) {
    validation[name] = split === "all" ? tokenizeCorpus(await loadCorpus(corpus), tokenizer) : (await corpusTokens(corpus, tokenizer, options))[split];
  }
  return { retrain, validation };
}
