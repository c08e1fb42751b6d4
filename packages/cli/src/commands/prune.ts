import { join } from "node:path";
import { jsonlLogger, METHODS, train, type TrainerEvent, type TrainResult } from "@adaptive-sparse/trainer";
import { exportCompressed24 } from "../export-compressed.js";
import { loadModelFolder, saveModelFolder } from "../model-folder.js";
import { progressReporter } from "../progress.js";
import { withPruneDefaults, withTeacherDistill } from "../trainer-defaults.js";
import { createCliRegistry } from "../registry.js";
import { prepareRunFolder, withContinueHint } from "../run-folder.js";
import { aggregate, machineFacts, writeMasks, writeResults } from "../run-results.js";
import { abortOnSignals, evalWindowsOf, labelled, logEveryStep, prepareData, useBackend } from "../runtime.js";
import { loadSettings, pruneSettings } from "../settings.js";
import type { TrainingCommandOptions } from "./training-options.js";

/** Options of {@link prune}: the training flags, the model and its teacher, the method. */
export interface PruneOptions extends TrainingCommandOptions {
  model: string;
  teacher?: string;
  method?: string;
}

/**
 * `adaptive-sparse prune`: prunes a GPT-2 model folder to N:M with any trainer method and writes the run
 * folder: `model/` (Hugging Face layout, zeros in pruned places; not for SLoRB models),
 * `model.sparse24.safetensors` (values + 2-bit indices, SLoRB alongside), `metrics.jsonl`, `checkpoint/`,
 * and when it completes `results.json` and `masks.json` (what `adaptive-sparse report` renders).
 */
export async function prune(options: PruneOptions): Promise<TrainResult> {
  const registry = options.registry ?? createCliRegistry();
  const settings = await loadSettings(pruneSettings, "prune", options.config, options.set ?? [], {
    "data.corpus": options.corpus, "data.separator": options.separator, "data.textField": options.textField, "trainer.method": options.method, "trainer.steps": options.steps,
  }, { "data.corpus": "--corpus <name|path>", "trainer.method": `--method <${METHODS.join("|")}>` }, (config) => ({ ...config, trainer: withPruneDefaults(withTeacherDistill((config.trainer ?? {}) as Record<string, unknown>, options.teacher)) }));
  prepareRunFolder(options.out, options);
  const backend = await useBackend(options.backend, registry);
  const { model: student, tokenizer } = await loadModelFolder(options.model, registry, { backend });
  const wantsTeacher = settings.trainer.distill !== undefined && settings.trainer.distill !== null;
  const teacher = wantsTeacher ? (await loadModelFolder(options.teacher ?? options.model, registry, { backend })).model : null;
  const data = await prepareData(settings.data, settings.eval.corpora, tokenizer, student.config.blockSize, { registry, vocabSize: student.config.vocabSize, evalWindows: evalWindowsOf(settings.trainer) });
  const checkpointDir = join(options.out, "checkpoint");
  const { signal, dispose } = abortOnSignals();
  const metrics = jsonlLogger(join(options.out, "metrics.jsonl"));
  const method = String(settings.trainer.method ?? "prune");
  const seed = typeof settings.trainer.seed === "number" ? settings.trainer.seed : 1337;
  // The last checkpoint on disk: the one resumed from, then each one this run saves.
  let checkpoint: { dir: string; step?: number } | undefined = options.resume ? { dir: checkpointDir } : undefined;
  const track = (event: TrainerEvent) => {
    if (event.type === "checkpoint") checkpoint = { dir: event.dir, step: event.step };
  };
  const started = performance.now();
  let failed = false;
  try {
    const result = await train({
      config: { ...logEveryStep(settings.trainer, backend), checkpoint: { dir: checkpointDir, every: 50, ...(settings.trainer.checkpoint as object) } } as never,
      student,
      teacher,
      backend,
      data,
      signal,
      registry,
      resumeFrom: options.resume ? checkpointDir : undefined,
      onEvent: [progressReporter(method, options.progress), labelled(method, metrics, { method, seed, config: settings.trainer }), track],
    });
    if (result.status === "completed") {
      if (result.layers.length) await exportCompressed24(join(options.out, "model.sparse24.safetensors"), result, tokenizer);
      if (!result.layers.some(({ layer }) => layer.slorb)) await saveModelFolder(join(options.out, "model"), { model: result.model, tokenizer, source: options.model });
      const sets = Object.keys(result.summary.perplexity);
      const outcome = { method, label: method, trained: method !== "one-shot" && method !== "dense", seed, perplexity: { ...result.summary.perplexity }, wallSeconds: (performance.now() - started) / 1000, tokens: result.step * settings.data.batchSize * (settings.data.blockSize ?? student.config.blockSize) };
      if (sets.length === 0) process.stderr.write(`prune: no validation set (the corpus has no held-out split), so no results.json for the report; add one with --set 'eval.corpora=["<corpus>"]'\n`);
      else await writeResults(options.out, { title: `prune ${options.model} with ${method}`, machine: machineFacts(backend.name), validationSets: sets, rows: aggregate([outcome], sets) });
      await writeMasks(options.out, result.layers);
      for (const [name, perplexity] of Object.entries(result.summary.perplexity)) {
        process.stderr.write(`prune: ${name} perplexity ${perplexity.toFixed(2)}\n`);
      }
    }
    process.stderr.write(`prune: ${result.status} at step ${result.step}; outputs in ${options.out}\n`);
    return result;
  } catch (error) {
    failed = true;
    throw withContinueHint(error, checkpoint, `adaptive-sparse prune -m ${join(options.out, "model")} with another -o folder`);
  } finally {
    dispose();
    // A failed flush must not hide the error that stopped the run (on a full disk both fail).
    await metrics.flush().catch((flushError: unknown) => {
      if (!failed) throw flushError;
    });
  }
}
