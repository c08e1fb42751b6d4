import { existsSync } from "node:fs";
import { join } from "node:path";
import { Generator, type Registry } from "@adaptive-sparse/core";
import { splitDocuments, trainBpe, type Tokenizer } from "@adaptive-sparse/data";
import { createModel } from "@adaptive-sparse/io";
import { parseGPTConfig } from "@adaptive-sparse/nn";
import { jsonlLogger, train, validateSetup, type TrainerConfigInput, type TrainerEvent } from "@adaptive-sparse/trainer";
import type { z } from "zod";
import { loadCorpus } from "../corpus.js";
import { saveModelFolder } from "../model-folder.js";
import { progressReporter } from "../progress.js";
import { createCliRegistry } from "../registry.js";
import { prepareRunFolder, withContinueHint } from "../run-folder.js";
import { aggregate, machineFacts, writeResults } from "../run-results.js";
import { abortOnSignals, evalWindowsOf, labelled, logEveryStep, prepareData, useBackend } from "../runtime.js";
import { loadSettings, PRETRAIN_MODEL_DEFAULTS, pretrainSettings, type tokenizerSettings } from "../settings.js";
import { withPretrainDefaults } from "../trainer-defaults.js";
import type { TrainingCommandOptions } from "./training-options.js";
import { loadFolderTokenizer } from "../tokenizers.js";

/** Options of {@link pretrain}. */
export type PretrainOptions = TrainingCommandOptions;

async function makeTokenizer(settings: z.output<typeof tokenizerSettings>, data: { corpus: string; separator?: string; textField?: string; validationFraction: number; splitSeed: number }, registry: Registry): Promise<Tokenizer> {
  if (settings.type !== "bpe") return registry.get("tokenizer", settings.type).create({});
  // A small BPE trained on the training split only (the held-out documents stay unseen).
  const corpus = await loadCorpus(data.corpus, { registry, separator: data.separator, textField: data.textField });
  const { train: documents } = splitDocuments(corpus, { validationFraction: data.validationFraction, seed: data.splitSeed });
  return trainBpe(documents.documents, { vocabSize: settings.vocabSize });
}

/** `adaptive-sparse pretrain`: trains a dense GPT from scratch and writes a model folder. */
export async function pretrain(options: PretrainOptions): Promise<void> {
  const registry = options.registry ?? createCliRegistry();
  const settings = await loadSettings(pretrainSettings, "pretrain", options.config, options.set ?? [], {
    "data.corpus": options.corpus, "data.separator": options.separator, "data.textField": options.textField, "trainer.steps": options.steps,
  }, { "data.corpus": "--corpus <name|path>" }, (config) => ({ ...config, trainer: withPretrainDefaults((config.trainer ?? {}) as Record<string, unknown>) }));
  prepareRunFolder(options.out, options);
  const backend = await useBackend(options.backend, registry);
  const checkpointDir = join(options.out, "checkpoint");
  const resume = Boolean(options.resume);
  const tokenizer = resume && existsSync(join(options.out, "tokenizer.json"))
    ? await loadFolderTokenizer(options.out, registry)
    : await makeTokenizer(settings.tokenizer, settings.data, registry);
  const config = parseGPTConfig({ vocabSize: tokenizer.vocabSize, ...PRETRAIN_MODEL_DEFAULTS, ...settings.model } as never);
  const model = createModel("gpt2", config, { backend, generator: new Generator(settings.seed) });
  const data = await prepareData(settings.data, settings.eval.corpora, tokenizer, config.blockSize, { registry, vocabSize: config.vocabSize, evalWindows: evalWindowsOf(settings.trainer) });
  const trainerConfig: TrainerConfigInput = { ...logEveryStep(settings.trainer, backend), method: "dense", checkpoint: { dir: checkpointDir, every: 100, ...(settings.trainer.checkpoint as object) } };
  // Checked before the folder is written: a mistyped option must not leave a fresh model behind that the
  // corrected command then refuses to overwrite without --force.
  validateSetup(trainerConfig, { student: model, teacher: null, registry, data });
  const { signal, dispose } = abortOnSignals();
  const metrics = jsonlLogger(join(options.out, "metrics.jsonl"));
  let checkpoint: { dir: string; step?: number } | undefined = resume ? { dir: checkpointDir } : undefined;
  const track = (event: TrainerEvent) => {
    if (event.type === "checkpoint") checkpoint = { dir: event.dir, step: event.step };
  };
  let failed = false;
  try {
    if (!resume) await saveModelFolder(options.out, { model, tokenizer }); // the tokenizer must outlive an interrupted run
    const result = await train({
      config: trainerConfig,
      student: model,
      backend,
      data,
      signal,
      registry,
      resumeFrom: resume ? checkpointDir : undefined,
      onEvent: [progressReporter("pretrain", options.progress), labelled("pretrain", metrics, { method: "dense", seed: settings.seed, config: settings.trainer }), track],
    });
    await saveModelFolder(options.out, { model: result.model, tokenizer });
    // The same run-folder files as prune's, so `adaptive-sparse report` renders a pretraining run too.
    const sets = Object.keys(result.summary.perplexity);
    if (result.status === "completed" && sets.length) {
      const outcome = { method: "dense", label: "pretrain", trained: true, seed: settings.seed, perplexity: { ...result.summary.perplexity }, wallSeconds: result.summary.elapsed, tokens: result.step * settings.data.batchSize * (settings.data.blockSize ?? config.blockSize) };
      await writeResults(options.out, { title: `pretrain on ${settings.data.corpus}`, machine: machineFacts(backend.name), validationSets: sets, rows: aggregate([outcome], sets) });
    }
    process.stderr.write(`pretrain: ${result.status} at step ${result.step}; model folder ${options.out}\n`);
  } catch (error) {
    failed = true;
    throw withContinueHint(error, checkpoint, `adaptive-sparse prune --method dense -m ${options.out} with another -o folder trains it on`);
  } finally {
    dispose();
    // A failed flush must not hide the error that stopped the run (on a full disk both fail).
    await metrics.flush().catch((flushError: unknown) => {
      if (!failed) throw flushError;
    });
  }
}
