import { existsSync } from "node:fs";
import { join } from "node:path";
import { jsonlLogger, train, type TrainResult } from "@adaptive-sparse/trainer";
import { exportCompressed24 } from "../export-compressed.js";
import { loadModelFolder, saveModelFolder } from "../model-folder.js";
import { progressReporter, type ProgressMode } from "../progress.js";
import { abortOnSignals, labelled, prepareData, useBackend } from "../runtime.js";
import { loadSettings, pruneSettings } from "../settings.js";

export interface PruneOptions {
  model: string;
  teacher?: string;
  config?: string;
  set?: string[];
  method?: string;
  corpus?: string;
  steps?: number;
  out: string;
  backend?: string;
  resume?: boolean;
  progress?: ProgressMode;
}

/**
 * `adaptive-sparse prune`: prunes a GPT-2 model folder to N:M with any trainer method and writes
 * `out/model` (Hugging Face layout, zeros in pruned places; not for SLoRB models), `out/model.sparse24.safetensors`
 * (compressed: values + 2-bit indices, SLoRB alongside), `out/metrics.jsonl` and `out/checkpoint`.
 */
export async function prune(options: PruneOptions): Promise<TrainResult> {
  const settings = await loadSettings(pruneSettings, "prune", options.config, options.set ?? [], {
    "data.corpus": options.corpus, "trainer.method": options.method, "trainer.steps": options.steps,
  });
  await useBackend(options.backend);
  const { model: student, tokenizer } = await loadModelFolder(options.model);
  const wantsTeacher = settings.trainer.distill !== undefined && settings.trainer.distill !== null;
  const teacher = wantsTeacher ? (await loadModelFolder(options.teacher ?? options.model)).model : null;
  const data = await prepareData(settings.data, settings.eval.corpora, tokenizer, student.config.blockSize);
  const checkpointDir = join(options.out, "checkpoint");
  const resume = Boolean(options.resume) && existsSync(checkpointDir);
  const { signal, dispose } = abortOnSignals();
  const metrics = jsonlLogger(join(options.out, "metrics.jsonl"));
  const label = String(settings.trainer.method ?? "prune");
  let failed = false;
  try {
    const result = await train({
      config: { ...settings.trainer, checkpoint: { dir: checkpointDir, every: 50, ...(settings.trainer.checkpoint as object) } } as never,
      student,
      teacher,
      data,
      signal,
      resumeFrom: resume ? checkpointDir : undefined,
      onEvent: [progressReporter(label, options.progress), labelled(label, metrics)],
    });
    if (result.status === "completed") {
      if (result.layers.length) await exportCompressed24(join(options.out, "model.sparse24.safetensors"), result, tokenizer);
      if (!result.layers.some(({ layer }) => layer.slorb)) await saveModelFolder(join(options.out, "model"), { model: result.model, tokenizer });
      for (const [name, perplexity] of Object.entries(result.summary.perplexity)) {
        process.stderr.write(`prune: ${name} perplexity ${perplexity.toFixed(2)}\n`);
      }
    }
    process.stderr.write(`prune: ${result.status} at step ${result.step}; outputs in ${options.out}\n`);
    return result;
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
