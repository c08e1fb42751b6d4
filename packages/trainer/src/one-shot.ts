import type { CausalLM } from "@adaptive-sparse/nn";
import { collectCalibration } from "./calibration.js";
import type { TrainerConfig } from "./config.js";
import type { CalibrationEvent } from "./events.js";
import type { ResolvedPlugins } from "./plugins.js";
import { calibrationProgress, enableSlorbOn, prepareSparse } from "./prepare-sparse.js";
import type { SparseLayerState, SparseModel } from "./sparse-model.js";
import type { TrainData } from "./types.js";

/**
 * One-shot pruning (method.md §6.1–6.3), no training. Data-free strategies (magnitude, random) prune every
 * layer from its weights. Strategies that need calibration run sequentially over the blocks: block ℓ's
 * statistics are collected with its layers dense, its layers are pruned (SparseGPT also writes its
 * compensated weights), and the pruned block is re-run to produce block ℓ+1's inputs. With SLoRB, S is
 * initialised from each layer's dense weights and mask before the pruned weights are zeroed.
 *
 * @returns the sparse layers, pruned (W = M ⊙ W) with their masks set and marked as M₀
 */
export async function runOneShot(config: TrainerConfig, plugins: ResolvedPlugins, student: CausalLM, data: TrainData, emit?: (event: CalibrationEvent) => Promise<void>): Promise<SparseModel> {
  const setup = await prepareSparse(config, plugins, student, data, false);
  const { sparse, masks } = setup;
  const prune = async (layers: readonly SparseLayerState[]) => {
    for (const entry of layers) {
      const mask = await masks.computeLayer(entry, -1, true);
      sparse.setMask(entry, mask);
      mask.dispose();
    }
    enableSlorbOn(config, sparse, new Set(layers.map((entry) => entry.name)));
    for (const entry of layers) entry.layer.applyMask();
  };
  if (setup.windows) {
    const needs = plugins.mask!.strategy.needs ?? {};
    await collectCalibration({
      model: student,
      sparse,
      windows: setup.windows,
      batchSize: config.mask.calibration.batchSize,
      needs,
      into: setup.stats,
      onBlock: prune,
      onProgress: calibrationProgress(setup.windows, emit),
    });
  } else {
    await prune(sparse.layers);
  }
  sparse.markInitial();
  return sparse;
}
