import { corpusTokens, loadCorpus } from "@adaptive-sparse/cli";
import { spreadWindows, tokenizeCorpus, type TokenArray, type Tokenizer } from "@adaptive-sparse/data";
import type { ExampleSettings } from "./settings.js";

const CACHE = ".cache/adaptive-sparse";

/**
 * Tokens of the retraining corpus (train split) and of each validation set, with the teacher's tokenizer. Each
 * validation set is cut to `evalWindows` windows evenly spaced over all of it, so every held-out document
 * region counts (not just the first documents).
 */
export async function loadExampleData(settings: ExampleSettings, tokenizer: Tokenizer, blockSize: number) {
  // The teacher's pretraining split (validationFraction 0.1, splitSeed 0, per component) defines the held-out documents.
  const options = { cacheDir: CACHE, validationFraction: 0.1, seed: 0 };
  const retrain = (await corpusTokens(settings.retrain, tokenizer, options)).train;
  const validation: Record<string, TokenArray> = {};
  for (const [name, { corpus, split }] of Object.entries(settings.validation)) {
    const tokens = split === "all" ? tokenizeCorpus(await loadCorpus(corpus), tokenizer) : (await corpusTokens(corpus, tokenizer, options))[split];
    validation[name] = spreadWindows(tokens, blockSize, settings.evalWindows);
  }
  return { retrain, validation };
}
