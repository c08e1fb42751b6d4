import { noGrad } from "@adaptive-sparse/core";
import { checkNMValidity, evaluateMultipleChoice, evaluatePerplexity, formatNMValidity, loadMultipleChoiceTask } from "@adaptive-sparse/eval";
import { isGptSparseWeight, type GPT } from "@adaptive-sparse/nn";
import { corpusTokens } from "../corpus.js";
import { CliError } from "../errors.js";
import { loadModelFolder } from "../model-folder.js";
import { shortName, useBackend } from "../runtime.js";

export interface EvalOptions {
  model: string;
  corpus?: string[];
  tasks?: string[];
  nm?: string;
  backend?: string;
  cacheDir?: string;
  maxWindows?: number;
  json?: boolean;
}

/** The weights of the layers N:M sparsity applies to (nn's GPT_SPARSE_LAYERS, method.md §1.3), as eval's checker takes them. */
export function sparseWeights(model: GPT) {
  return noGrad(() =>
    model.namedParameters()
      .filter(([name]) => isGptSparseWeight(name))
      .map(([name, p]) => ({ name: name.replace(/\.weight$/, ""), data: Float32Array.from(p.dataSync()), rows: p.shape[0], cols: p.shape[1] })),
  );
}

export function parseNM(text: string): { n: number; m: number } {
  const match = /^(\d+):(\d+)$/.exec(text);
  if (!match || Number(match[1]) >= Number(match[2])) throw new CliError(`--nm "${text}" must look like N:M with N < M (e.g. 2:4)`);
  return { n: Number(match[1]), m: Number(match[2]) };
}

/** `adaptive-sparse eval`: perplexity on corpora (their held-out split), zero-shot tasks and N:M validity. */
export async function evaluate(options: EvalOptions): Promise<Record<string, unknown>> {
  await useBackend(options.backend);
  const { model, tokenizer } = await loadModelFolder(options.model);
  const results: Record<string, unknown> = {};
  for (const spec of options.corpus ?? []) {
    const { validation } = await corpusTokens(spec, tokenizer, { cacheDir: options.cacheDir ?? ".cache/adaptive-sparse" });
    const result = await evaluatePerplexity(model, validation, { batchSize: 4, maxWindows: options.maxWindows });
    results[`perplexity.${shortName(spec)}`] = result.perplexity;
    if (!options.json) console.log(`${shortName(spec)}: perplexity ${result.perplexity.toFixed(3)} (${result.windows} windows, ${result.tokens} predicted tokens)`);
  }
  for (const path of options.tasks ?? []) {
    const examples = await loadMultipleChoiceTask(path);
    const result = await evaluateMultipleChoice(model, tokenizer as never, examples);
    results[`zero-shot.${shortName(path)}`] = result;
    if (!options.json) console.log(`${shortName(path)}: acc ${(result.acc * 100).toFixed(1)}%, acc_norm ${(result.acc_norm * 100).toFixed(1)}% over ${examples.length} examples`);
  }
  if (options.nm) {
    const report = checkNMValidity(sparseWeights(model), parseNM(options.nm));
    results.nm = report;
    if (!options.json) console.log(formatNMValidity(report));
  }
  if (options.json) console.log(JSON.stringify(results, null, 2));
  return results;
}
