import { keep, tensor, type Tensor } from "@adaptive-sparse/core";
import { computeMask, maskTensor, type MaskContext, type SparseGptResult, type WeightMatrix } from "@adaptive-sparse/masks";
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

/** Computes masks for the run's sparse layers with the configured strategy, on the model's backend. */
export interface MaskComputer {
  /** The strategy's context for one layer at one step (seeded per layer and step). */
  context(entry: SparseLayerState, step: number): MaskContext;
  /** New masks (u8 tensors on the model's backend, owned by the caller) for every layer from the current weights (nothing is set). */
  computeAll(step: number): Promise<Tensor[]>;
  /**
   * Mask for one layer (a u8 tensor the caller owns); with `updateWeights`, a strategy that returns
   * updated weights (SparseGPT) has them written into the layer.
   */
  computeLayer(entry: SparseLayerState, step: number, updateWeights: boolean): Promise<Tensor>;
  /** Frees the device copies of the calibration statistics. */
  dispose(): void;
}

/** Builds the {@link MaskComputer} of a run. */
export function createMaskComputer(options: MaskComputerOptions): MaskComputer {
  const { sparse, mask, n, m, seed, stats } = options;
  // Wanda's a_c on the device, uploaded once per layer (again only when the statistics are replaced, e.g. on resume).
  const onDevice = new Map<string, { source: Float32Array; tensor: Tensor }>();
  const statistic = (entry: SparseLayerState, source: Float32Array | undefined): Tensor | undefined => {
    if (!source) return undefined;
    const cached = onDevice.get(entry.name);
    if (cached?.source === source) return cached.tensor;
    cached?.tensor.dispose();
    const value = keep(tensor(source, { shape: [source.length], dtype: "f32", backend: sparse.backend }));
    onDevice.set(entry.name, { source, tensor: value });
    return value;
  };
  const context = (entry: SparseLayerState, step: number): MaskContext => {
    const index = sparse.layers.indexOf(entry);
    const layerStats = stats?.get(entry.name);
    return {
      n,
      m,
      layerName: entry.name,
      inputNormSq: statistic(entry, layerStats?.inputNormSq),
      hessian: layerStats?.hessian,
      // A different stream per layer and per refresh, reproducible from the run's seed.
      seed: (seed ^ Math.imul(index + 1, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca6b)) >>> 0,
    };
  };
  const computeLayer = async (entry: SparseLayerState, step: number, updateWeights: boolean): Promise<Tensor> => {
    const ctx = context(entry, step);
    const weight = entry.layer.weight;
    if (updateWeights && updatesWeights(mask.strategy) && ctx.hessian) {
      // SparseGPT's OBS sweep is float64 on the host: one read of the weight, one write of the result.
      const result = mask.strategy.prune(await sparse.readWeight(entry), ctx.hessian, { ...mask.options, n, m, layerName: entry.name });
      sparse.writeWeight(entry, result.weight);
      return maskTensor(`mask "${mask.strategy.name}"`, result.mask, weight);
    }
    return computeMask(mask.strategy, weight, ctx, mask.options);
  };
  return {
    context,
    computeLayer,
    async computeAll(step) {
      const masks: Tensor[] = [];
      for (const entry of sparse.layers) masks.push(await computeLayer(entry, step, false));
      return masks;
    },
    dispose() {
      for (const { tensor: value } of onDevice.values()) value.dispose();
      onDevice.clear();
    },
  };
}
