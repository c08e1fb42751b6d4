import type { Registry } from "@adaptive-sparse/core";
import { formatNMValidity, loadMultipleChoiceTask, type MultipleChoiceResult, type NMValidityReport, type PerplexityResult } from "@adaptive-sparse/eval";
import { spreadWindows } from "@adaptive-sparse/data";
import { prunableLayers, type CausalLM } from "@adaptive-sparse/nn";
import { checkCorpus, corpusTokens } from "../corpus.js";
import { createCliRegistry } from "../registry.js";
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
  /** Score each corpus in full (every document) instead of its held-out split. */
  whole?: boolean;
  /** How a single text file is cut into documents (default: blank lines). */
  separator?: string;
  /** The JSONL field or Parquet column that holds the text (default `text`). */
  textField?: string;
  /** Where corpora, tokenizers and backends are looked up by name. */
  registry?: Registry;
}

/** The weights of the layers N:M sparsity applies to (the model's `isPrunable`, method.md §1.3), read asynchronously, as eval's checker takes them. */
export async function sparseWeights(model: CausalLM): Promise<{ name: string; data: Float32Array; rows: number; cols: number }[]> {
  const out = [];
  for (const [name, layer] of prunableLayers(model)) {
    const { weight } = layer;
    out.push({ name, data: Float32Array.from(await weight.data()), rows: weight.shape[0], cols: weight.shape[1] });
  }
  return out;
}

export function parseNM(text: string): { n: number; m: number } {
  const match = /^(\d+):(\d+)$/.exec(text);
  if (!match || Number(match[1]) < 1 || Number(match[1]) >= Number(match[2])) throw new CliError(`--nm "${text}" must look like N:M with 1 ≤ N < M (e.g. 2:4)`);
  return { n: Number(match[1]), m: Number(match[2]) };
}

/**
 * `adaptive-sparse eval`: perplexity on corpora (their held-out split, or all of it with `whole`), zero-shot
 * tasks and N:M validity. Every option, task file and corpus is checked before any compute.
 */
export async function evaluate(options: EvalOptions): Promise<Record<string, unknown>> {
  const registry = options.registry ?? createCliRegistry();
  const nm = options.nm === undefined ? undefined : parseNM(options.nm);
  if (options.maxWindows !== undefined && !(Number.isInteger(options.maxWindows) && options.maxWindows >= 1)) {
    throw new CliError(`--max-windows ${options.maxWindows} must be a whole number ≥ 1`);
  }
  if (!options.corpus?.length && !options.tasks?.length && !nm) throw new CliError("eval needs something to measure: --corpus <name|path>, --tasks <file.jsonl> or --nm <N:M>");
  for (const spec of options.corpus ?? []) checkCorpus(spec, registry, options); // unknown names and missing paths fail here
  const tasks = [];
  for (const path of options.tasks ?? []) tasks.push({ path, examples: await loadMultipleChoiceTask(path) });
  const backend = await useBackend(options.backend, registry);
  const { model, tokenizer } = await loadModelFolder(options.model, registry, { backend });
  const corpora = [];
  for (const spec of options.corpus ?? []) {
    const tokens = await corpusTokens(spec, tokenizer, { cacheDir: options.cacheDir ?? ".cache/adaptive-sparse", registry, separator: options.separator, textField: options.textField, whole: options.whole, vocabSize: model.config.vocabSize });
    if (tokens.validation.length <= model.config.blockSize) {
      throw new CliError(`corpus "${spec}": its ${options.whole ? "" : "held-out "}text has ${tokens.validation.length} tokens, not more than the model's ${model.config.blockSize}-token window${options.whole ? "" : "; score the whole corpus with --whole"}`);
    }
    // --max-windows keeps windows spread evenly over the set, so a capped score covers all of it.
    const scored = options.maxWindows === undefined ? tokens.validation : spreadWindows(tokens.validation, model.config.blockSize, options.maxWindows);
    corpora.push({ spec, tokens: scored });
  }
  // The evaluators come from the registry by name (a user-registered one replaces a built-in with override).
  const evaluator = (name: string) => registry.get("evaluator", name);
  const results: Record<string, unknown> = {};
  for (const { spec, tokens } of corpora) {
    const result = (await evaluator("perplexity").run({ model, tokens, backend }, { batchSize: 4, maxWindows: options.maxWindows })).details as PerplexityResult;
    results[`perplexity.${shortName(spec)}`] = result.perplexity;
    if (!options.json) console.log(`${shortName(spec)}: perplexity ${result.perplexity.toFixed(3)} (${result.windows} windows, ${result.tokens} predicted tokens)`);
  }
  for (const { path, examples } of tasks) {
    const result = (await evaluator("zero-shot").run({ model, tokenizer: tokenizer as never, examples, backend })).details as MultipleChoiceResult;
    results[`zero-shot.${shortName(path)}`] = result;
    if (!options.json) console.log(`${shortName(path)}: acc ${(result.acc * 100).toFixed(1)}%, acc_norm ${(result.acc_norm * 100).toFixed(1)}% over ${examples.length} examples`);
  }
  if (nm) {
    const report = (await evaluator("nm-validity").run({ weights: await sparseWeights(model) }, nm)).details as NMValidityReport;
    results.nm = report;
    if (!options.json) console.log(formatNMValidity(report));
  }
  if (options.json) console.log(JSON.stringify(results, null, 2));
  return results;
}
