import { existsSync } from "node:fs";
import { join } from "node:path";
import { Generator } from "@adaptive-sparse/core";
import { createByteTokenizer, createGpt2Tokenizer, splitDocuments, trainBpe, type Tokenizer } from "@adaptive-sparse/data";
import { GPT, parseGPTConfig } from "@adaptive-sparse/nn";
import { jsonlLogger, train } from "@adaptive-sparse/trainer";
import type { z } from "zod";
import { loadCorpus } from "../corpus.js";
import { saveModelFolder } from "../model-folder.js";
import { progressReporter, type ProgressMode } from "../progress.js";
import { abortOnSignals, labelled, prepareData, useBackend } from "../runtime.js";
import { loadSettings, pretrainSettings, type tokenizerSettings } from "../settings.js";
import { loadFolderTokenizer } from "../tokenizers.js";

export interface PretrainOptions {
  config?: string;
  set?: string[];
  corpus?: string;
  steps?: number;
  out: string;
  backend?: string;
  resume?: boolean;
  progress?: ProgressMode;
}

async function makeTokenizer(settings: z.output<typeof tokenizerSettings>, corpus: string, validationFraction: number, seed: number): Promise<Tokenizer> {
  if (settings.type === "gpt2") return createGpt2Tokenizer();
  if (settings.type === "byte") return createByteTokenizer();
  // A small BPE trained on the training split only (the held-out documents stay unseen).
  const { train: documents } = splitDocuments(await loadCorpus(corpus), { validationFraction, seed });
  return trainBpe(documents.documents, { vocabSize: settings.vocabSize });
}

/** `adaptive-sparse pretrain`: trains a dense GPT from scratch and writes a model folder. */
export async function pretrain(options: PretrainOptions): Promise<void> {
  const settings = await loadSettings(pretrainSettings, "pretrain", options.config, options.set ?? [], { "data.corpus": options.corpus, "trainer.steps": options.steps });
  await useBackend(options.backend);
  const checkpointDir = join(options.out, "checkpoint");
  const resume = options.resume && existsSync(checkpointDir);
  const tokenizer = resume && existsSync(join(options.out, "tokenizer.json"))
    ? await loadFolderTokenizer(options.out)
    : await makeTokenizer(settings.tokenizer, settings.data.corpus, settings.data.validationFraction, settings.data.splitSeed);
  const config = parseGPTConfig({ vocabSize: tokenizer.vocabSize, ...settings.model } as never);
  const model = new GPT(config, { generator: new Generator(settings.seed) });
  const data = await prepareData(settings.data, settings.eval.corpora, tokenizer, config.blockSize);
  const { signal, dispose } = abortOnSignals();
  const metrics = jsonlLogger(join(options.out, "metrics.jsonl"));
  let failed = false;
  try {
    if (!resume) await saveModelFolder(options.out, { model, tokenizer }); // the tokenizer must outlive an interrupted run
    const result = await train({
      config: { ...settings.trainer, method: "dense", checkpoint: { dir: checkpointDir, every: 100, ...(settings.trainer.checkpoint as object) } },
      student: model,
      data,
      signal,
      resumeFrom: resume ? checkpointDir : undefined,
      onEvent: [progressReporter("pretrain", options.progress), labelled("pretrain", metrics)],
    });
    await saveModelFolder(options.out, { model: result.model, tokenizer });
    process.stderr.write(`pretrain: ${result.status} at step ${result.step}; model folder ${options.out}\n`);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    dispose();
    // A failed flush must not hide the error that stopped the run (on a full disk both fail).
    await metrics.flush().catch((flushError: unknown) => {
      if (!failed) throw flushError;
    });
  }
}
