// Unigram (add-one) perplexity on the held-out SOTU addresses with a model folder's tokenizer: the baseline the
// teacher is compared with.  Run: npm run build && node scripts/unigram-baseline.mjs apps/example/teacher
import { loadModelFolder, corpusTokens } from "@adaptive-sparse/cli";
const folder = process.argv[2];
const { tokenizer } = await loadModelFolder(folder);
const { train, validation } = await corpusTokens("sotu", tokenizer, { cacheDir: ".cache/adaptive-sparse", validationFraction: 0.1, seed: 0 });
const counts = new Float64Array(tokenizer.vocabSize).fill(1); // add-one smoothing
for (const t of train) counts[t]++;
const total = counts.reduce((a, b) => a + b, 0);
let nll = 0;
for (const t of validation) nll -= Math.log(counts[t] / total);
console.log(`train tokens ${train.length}, validation tokens ${validation.length}, unigram PPL ${Math.exp(nll / validation.length).toFixed(1)}`);
