import { Generator } from "@adaptive-sparse/core";
import { calibrationWindows, type WindowSet } from "@adaptive-sparse/data";
import { sparseLayers, sparsify, type CausalLM } from "@adaptive-sparse/nn";
import { collectCalibration, type LayerStatistics } from "./calibration.js";
import type { TrainerConfig } from "./config.js";
import type { CalibrationEvent } from "./events.js";
import { createMaskComputer, type MaskComputer } from "./mask-computer.js";
import type { ResolvedPlugins } from "./plugins.js";
import { SparseModel } from "./sparse-model.js";
import type { TrainData } from "./types.js";

/** A sparse student ready for its initial masks. */
export interface SparseSetup {
  readonly sparse: SparseModel;
  readonly masks: MaskComputer;
  /** Calibration statistics by layer (filled by {@link prepareSparse} or, for one-shot, block by block). */
  readonly stats: Map<string, LayerStatistics>;
  /** The calibration windows, when the strategy needs them. */
  readonly windows: WindowSet | null;
}

/**
 * Swaps the student's Linears for SparseLinears (reusing existing ones), draws the calibration windows
 * when the mask strategy needs activations or a Hessian, and (unless `collect` is false) collects the
 * statistics in one dense pass, as the reference does before training (method.md §2.2), through `emit` a
 * `calibration` event per block.
 */
export async function prepareSparse(config: TrainerConfig, plugins: ResolvedPlugins, student: CausalLM, data: TrainData, collect: boolean, emit?: (event: CalibrationEvent) => Promise<void>): Promise<SparseSetup> {
  const existing = sparseLayers(student);
  const sparse = await SparseModel.attach(existing.length ? existing : sparsify(student));
  const needs = plugins.mask!.strategy.needs ?? {};
  const stats = new Map<string, LayerStatistics>();
  let windows: WindowSet | null = null;
  if (needs.activations || needs.hessian) {
    const { windows: count, seed, blockSize, batchSize } = config.mask.calibration;
    windows = calibrationWindows(data.calibration!, { count, blockSize: blockSize ?? student.config.blockSize, seed });
    if (collect) await collectCalibration({ model: student, sparse, windows, batchSize, needs, into: stats, onProgress: calibrationProgress(windows, emit) });
  }
  const masks = createMaskComputer({ sparse, mask: plugins.mask!, n: config.sparsity.n, m: config.sparsity.m, seed: config.seed, stats });
  return { sparse, masks, stats, windows };
}

/** A calibration's `onProgress` that emits {@link CalibrationEvent}s (nothing without `emit`). */
export function calibrationProgress(windows: WindowSet, emit?: (event: CalibrationEvent) => Promise<void>): ((done: number, blocks: number) => Promise<void>) | undefined {
  if (!emit) return undefined;
  const started = performance.now();
  const [count, length] = windows.shape;
  return (block, blocks) => emit({ type: "calibration", block, blocks, windows: count, tokens: count * length, elapsed: (performance.now() - started) / 1000 });
}

/**
 * Adds the SLoRB branch to one layer, initialised from its current mask as M₀ (method.md §5.2; call it
 * before pruned weights are zeroed, or S starts at 0). Layers that already have SLoRB are left alone.
 */
export function enableSlorbOn(config: TrainerConfig, sparse: SparseModel, names?: ReadonlySet<string>): void {
  const slorb = config.slorb;
  if (!slorb) return;
  // One seeded generator for the whole model, so the xavier init is reproducible from config.seed.
  const generator = new Generator(config.seed);
  for (const entry of sparse.layers) {
    if (entry.layer.slorb || (names && !names.has(entry.name))) continue;
    entry.layer.enableSlorb({ groupSize: slorb.k, init: slorb.init, trainableProjection: slorb.trainableProjection, generator }, entry.name);
  }
}
