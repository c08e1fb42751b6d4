import type { MaskContext, SparseGptResult, WeightMatrix } from "@adaptive-sparse/masks";
import type { LayerStatistics } from "./calibration.js";
import type { ResolvedMask } from "./plugins.js";
import type { SparseLayerState, SparseModel } from "./sparse-model.js";

/**
 * A strategy that can also return updated weights (SparseGPT's `prune`). The trainer writes those
 * weights for one-shot pruning and for the initial mask; refreshes use `compute` (masks only).
 */
interface WeightUpdatingStrategy {
  prune(weight: WeightMatrix, hessian: Float64Array, options: Record<string, unknown>): Pick<SparseGptResult, "mask" | "weight">;
}

function updatesWeights(strategy: unknown): strategy is WeightUpdatingStrategy {
  return typeof (strategy as Partial<WeightUpdatingStrategy>).prune === "function";
}

/** Options of {@link createMaskComputer}. */
export interface MaskComputerOptions {
  readonly sparse: SparseModel;
  readonly mask: ResolvedMask;
  readonly n: number;
  readonly m: number;
  /** The run's seed; mixed with the layer index and step for strategies that draw random numbers. */
  readonly seed: number;
  /** Calibration statistics by layer name, for strategies that need them. */
  readonly stats: ReadonlyMap<string, LayerStatistics> | null;
}

/** Computes masks for the run's sparse layers with the configured strategy. */
export interface MaskComputer {
  /** The strategy's context for one layer at one step (seeded per layer and step). */
  context(entry: SparseLayerState, step: number): MaskContext;
  /** New masks for every layer from the current weights (nothing is set). */
  computeAll(step: number): Promise<Uint8Array[]>;
  /**
   * Mask for one layer; with `updateWeights`, a strategy that returns updated weights (SparseGPT) has them
   * written into the layer.
   */
  computeLayer(entry: SparseLayerState, step: number, updateWeights: boolean): Promise<Uint8Array>;
}

/** Builds the {@link MaskComputer} of a run. */
export function createMaskComputer(options: MaskComputerOptions): MaskComputer {
  const { sparse, mask, n, m, seed, stats } = options;
  const context = (entry: SparseLayerState, step: number): MaskContext => {
    const index = sparse.layers.indexOf(entry);
    const layerStats = stats?.get(entry.name);
    return {
      n,
      m,
      layerName: entry.name,
      inputNormSq: layerStats?.inputNormSq,
      hessian: layerStats?.hessian,
      // A different stream per layer and per refresh, reproducible from the run's seed.
      seed: (seed ^ Math.imul(index + 1, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca6b)) >>> 0,
    };
  };
  const computeLayer = async (entry: SparseLayerState, step: number, updateWeights: boolean): Promise<Uint8Array> => {
    const weight = await sparse.readWeight(entry);
    const ctx = context(entry, step);
    if (updateWeights && updatesWeights(mask.strategy) && ctx.hessian) {
      const result = mask.strategy.prune(weight, ctx.hessian, { ...mask.options, n, m, layerName: entry.name });
      sparse.writeWeight(entry, result.weight);
      return result.mask;
    }
    return mask.strategy.compute(weight, ctx, mask.options);
  };
  return {
    context,
    computeLayer,
    async computeAll(step) {
      const masks: Uint8Array[] = [];
      for (const entry of sparse.layers) masks.push(await computeLayer(entry, step, false));
      return masks;
    },
  };
}
