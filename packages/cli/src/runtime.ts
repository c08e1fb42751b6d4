import { existsSync } from "node:fs";
import type { Backend, Registry } from "@adaptive-sparse/core";
import { enableRelaxedSimdInNode } from "@adaptive-sparse/backend-wasm";
import { createWindowSampler, spreadWindows, type TokenArray } from "@adaptive-sparse/data";
import type { z } from "zod";
import { selectBackend } from "./backends.js";
import { corpusTokens } from "./corpus.js";
import { shouldWatchParent, watchParent } from "./parent-watch.js";
import type { dataSettings } from "./settings.js";
import type { Tokenizer } from "@adaptive-sparse/data";
import type { EventHandler, TrainerEvent } from "@adaptive-sparse/trainer";

/**
 * Creates the chosen backend. Commands hand it to the loaders, evaluators and `train()` explicitly (core's
 * default backend is not touched). On Node 20-21 it first turns on V8's relaxed SIMD (built in from Node 22):
 * the wasm GEMM is 1.2-1.5x faster with it.
 */
export async function useBackend(name?: string, registry?: Registry): Promise<Backend> {
  await enableRelaxedSimdInNode();
  return selectBackend(name, registry);
}

/**
 * Training sampler plus validation streams (the corpus' own held-out documents and any extra corpora).
 * Token ids are checked against `vocabSize` (the model's) as each corpus is loaded. With `evalWindows` (from
 * the trainer's `eval.maxWindows` and `eval.blockSize`: {@link evalWindowsOf}) each stream keeps that many
 * windows of the evaluation's length spread evenly over it: a capped evaluation then covers the whole held-out
 * set (a mixture's first windows would all be its first component's), and each window it scores is one
 * stretch of text.
 */
export async function prepareData(data: z.output<typeof dataSettings>, extraCorpora: readonly string[], tokenizer: Tokenizer, blockSize: number, context: { registry?: Registry; vocabSize?: number; evalWindows?: EvalWindows } = {}) {
  const { evalWindows, ...corpusContext } = context;
  const options = { cacheDir: data.cacheDir, validationFraction: data.validationFraction, seed: data.splitSeed, separator: data.separator, textField: data.textField, ...corpusContext };
  const window = data.blockSize ?? blockSize;
  const heldOut = (tokens: TokenArray) => {
    if (!evalWindows) return tokens;
    const length = evalWindows.blockSize ?? blockSize;
    return tokens.length >= length ? spreadWindows(tokens, length, evalWindows.count) : tokens;
  };
  const main = await corpusTokens(data.corpus, tokenizer, options);
  const train = createWindowSampler(main.train, { blockSize: window, batchSize: data.batchSize, seed: data.seed });
  const validation: Record<string, TokenArray> = {};
  if (main.validation.length > blockSize) validation[shortName(data.corpus)] = heldOut(main.validation);
  for (const spec of extraCorpora) validation[shortName(spec)] = heldOut((await corpusTokens(spec, tokenizer, options)).validation);
  return { train, validation, calibration: main.train };
}

/** How a capped evaluation scores each validation set: `count` windows of `blockSize` tokens (the model's when unset). */
export interface EvalWindows {
  readonly count: number;
  readonly blockSize?: number;
}

/** The trainer's `eval.maxWindows` and `eval.blockSize` from a trainer section of a settings file, if it caps the evaluation. */
export function evalWindowsOf(trainer: Record<string, unknown>): EvalWindows | undefined {
  const { maxWindows, blockSize } = (trainer.eval as { maxWindows?: unknown; blockSize?: unknown } | undefined) ?? {};
  if (typeof maxWindows !== "number") return undefined;
  return typeof blockSize === "number" ? { count: maxWindows, blockSize } : { count: maxWindows };
}

const baseName = (spec: string) => spec.split(/[\\/]/).filter(Boolean).pop()!.replace(/\.(txt|jsonl|gz|json|parquet|bin)$/g, "");

/** A corpus's name in metrics and results: a path's file name without its extension; a mixture's, joined by "+". */
export const shortName = (spec: string) => (spec.includes("+") && !existsSync(spec) ? spec.split("+").map(baseName).join("+") : baseName(spec));

/**
 * Aborts the run on SIGINT/SIGTERM (the trainer saves a checkpoint, then stops); a second signal exits at once.
 * The same happens under npm/npx when the process that started us dies (`kill -9` on an `npx` wrapper cannot
 * forward a signal): the parent is polled, and an orphaned run checkpoints and stops instead of running on
 * unseen (see {@link shouldWatchParent}; ADAPTIVE_SPARSE_PARENT_WATCH=0/1 overrides).
 */
export function abortOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = (why: string) => {
    if (controller.signal.aborted) process.exit(130);
    // An orphan's stderr may be a pipe nobody reads any more: a failed write must not crash the checkpoint.
    process.stderr.on("error", () => {});
    process.stderr.write(`\nadaptive-sparse: ${why}; saving a checkpoint and stopping (send SIGINT again to exit at once)\n`);
    controller.abort();
  };
  const handler = (name: NodeJS.Signals) => stop(`${name} received`);
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  const stopWatching = shouldWatchParent() ? watchParent(() => stop("the parent process exited")) : () => {};
  return { signal: controller.signal, dispose: () => { process.off("SIGINT", handler); process.off("SIGTERM", handler); stopWatching(); } };
}

/**
 * The trainer config with `log.every` 1 on a backend that reads synchronously (cpu, wasm: reading the loss
 * costs nothing there), unless the settings give it, so the progress bar moves every step. On the GPU backends
 * the trainer's default (10) stays: a read per step would stall the device. (SIGINT is acted on after the
 * current step either way: the trainer's loop yields to the event loop between steps.)
 */
export function logEveryStep(trainer: Record<string, unknown>, backend: Backend): Record<string, unknown> {
  if (!backend.capabilities.syncRead) return trainer;
  const log = (trainer.log ?? {}) as Record<string, unknown>;
  return { ...trainer, log: { every: 1, ...log } };
}

/**
 * Tags every event with the run's name (the report groups metrics.jsonl lines by `run`) and adds `start`
 * fields to the start event (the report reads `method`, `seed` and `config` from it), as the example does.
 */
export function labelled(run: string, handler: EventHandler, start: Record<string, unknown> = {}): EventHandler {
  return (event: TrainerEvent) => handler({ ...event, run, ...(event.type === "start" ? start : {}) } as unknown as TrainerEvent);
}
