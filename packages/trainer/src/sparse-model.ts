import { add, cast, concat, keep, noGrad, sum, tensor, tidy, type Backend, type Tensor } from "@adaptive-sparse/core";
import { assertNM, countNonzeroPerGroup, flipCountTensor, MaskPatternError, type WeightMatrix } from "@adaptive-sparse/masks";
import type { SparseLayerEntry, SparseLinear } from "@adaptive-sparse/nn";
import type { LayerFlips } from "./events.js";

/** One sparse layer: its current mask lives in the layer (`layer.mask`, on the device); M₀ beside it. */
export interface SparseLayerState {
  readonly name: string;
  readonly layer: SparseLinear;
  readonly rows: number;
  readonly cols: number;
  /** M₀, the mask flips-vs-initial are counted against (method.md §3.10): a u8 tensor on the layer's backend. */
  initial: Tensor;
}

/** Model-wide flip counts of one refresh. */
export interface FlipStats {
  readonly flipsPrevious: number;
  readonly flipsInitial: number;
  readonly ratioPrevious: number;
  readonly ratioInitial: number;
  readonly layers: LayerFlips[];
}

/** A kept device copy of a u8 mask (through i32: a cast to the same dtype would not copy). */
const copyOf = (mask: Tensor): Tensor => keep(noGrad(() => tidy(() => cast(cast(mask, "i32"), "u8"))));

/**
 * The sparse layers of a model as the trainer sees them. Masks stay on the model's backend: the
 * current one is the layer's own buffer (`layer.mask`, the one place the optimizer and the forward
 * read it), M₀ a device copy; flips are counted there. Host views (weights, masks) are read only where a
 * host algorithm needs them (SparseGPT, GMP, IMP, checkpoints, the final check).
 */
export class SparseModel {
  readonly layers: SparseLayerState[];

  private constructor(layers: SparseLayerState[]) {
    this.layers = layers;
  }

  /** Wraps sparse layers; their current masks also become M₀ until set otherwise. */
  static async attach(entries: readonly SparseLayerEntry[]): Promise<SparseModel> {
    const layers = entries.map(({ name, layer }) => ({ name, layer, rows: layer.outFeatures, cols: layer.inFeatures, initial: copyOf(layer.mask) }));
    return new SparseModel(layers);
  }

  /** Total prunable weights P_total (method.md §1.3). */
  get prunable(): number {
    return this.layers.reduce((total, entry) => total + entry.rows * entry.cols, 0);
  }

  get backend(): Backend {
    return this.layers[0].layer.weight.backend;
  }

  /** A host copy of a layer's dense weight `[out, in]` (one read). */
  async readWeight(entry: SparseLayerState): Promise<WeightMatrix> {
    return { data: Float32Array.from(await entry.layer.weight.data()), rows: entry.rows, cols: entry.cols };
  }

  /** A host copy of a layer's current mask (one read). */
  async readMask(entry: SparseLayerState): Promise<Uint8Array> {
    return Uint8Array.from(await entry.layer.mask.data());
  }

  /** Overwrites a layer's dense weight in place (same Parameter object) from host values. */
  writeWeight(entry: SparseLayerState, data: Float32Array): void {
    noGrad(() => tidy(() => void entry.layer.weight.assign(tensor(data, { shape: [entry.rows, entry.cols], backend: this.backend }))));
  }

  /** Sets a layer's mask in place: a device tensor is copied on the device, a host array uploaded once. */
  setMask(entry: SparseLayerState, mask: Tensor | Uint8Array): void {
    tidy(() => entry.layer.setMask(mask instanceof Uint8Array ? tensor(mask, { shape: [entry.rows, entry.cols], dtype: "u8", backend: this.backend }) : mask));
  }

  /** Makes the current masks the initial masks M₀ (device copies). */
  markInitial(): void {
    for (const entry of this.layers) {
      entry.initial.dispose();
      entry.initial = copyOf(entry.layer.mask);
    }
  }

  /** Sets M₀ of a layer (a checkpoint's), replacing the old one. */
  setInitial(entry: SparseLayerState, mask: Tensor): void {
    entry.initial.dispose();
    entry.initial = copyOf(mask);
  }

  /**
   * Flip counts of `next` masks (one per layer, or the current ones when omitted) against the current
   * masks and against M₀, on the device: an i32 tensor `[layers, 2]` (previous, initial) per layer
   * (method.md §3.10). Read it with {@link SparseModel.flipStats}.
   */
  flipCounts(next?: readonly Tensor[]): Tensor {
    return keep(
      noGrad(() =>
        tidy(() => {
          const counts = this.layers.flatMap((entry, i) => {
            const mask = next ? next[i] : entry.layer.mask;
            return [flipCountTensor(entry.layer.mask, mask), flipCountTensor(entry.initial, mask)].map((count) => count.reshape([1]));
          });
          return concat(counts).reshape([this.layers.length, 2]);
        }),
      ),
    );
  }

  /** Flip statistics from the values of a {@link SparseModel.flipCounts} tensor, normalised by the prunable total. */
  flipStats(counts: ArrayLike<number>): FlipStats {
    let flipsPrevious = 0;
    let flipsInitial = 0;
    const layers = this.layers.map((entry, i) => {
      const previous = counts[2 * i];
      const initial = counts[2 * i + 1];
      flipsPrevious += previous;
      flipsInitial += initial;
      return { name: entry.name, flipsPrevious: previous, flipsInitial: initial };
    });
    const total = this.prunable;
    return { flipsPrevious, flipsInitial, ratioPrevious: flipsPrevious / total, ratioInitial: flipsInitial / total, layers };
  }

  /** Model-wide flip statistics from summed counts `[previous, initial]` (no per-layer breakdown). */
  flipTotals(values: ArrayLike<number>): FlipStats {
    const [flipsPrevious, flipsInitial] = [values[0], values[1]];
    const total = this.prunable;
    return { flipsPrevious, flipsInitial, ratioPrevious: flipsPrevious / total, ratioInitial: flipsInitial / total, layers: [] };
  }

  /** W ← M ⊙ W in every layer: pruned weights become exactly 0 (method.md §3.12). */
  applyMasks(): void {
    for (const entry of this.layers) entry.layer.applyMask();
  }

  /** Fraction of prunable weights that the masks prune (one scalar read). */
  async sparsity(): Promise<number> {
    const kept = noGrad(() =>
      tidy(() => this.layers.map((entry) => sum(cast(entry.layer.mask, "i32")).reshape([1])).reduce((total, count) => add(total, count))),
    );
    const value = (await kept.data())[0];
    kept.dispose();
    return (this.prunable - value) / this.prunable;
  }

  /** Frees the M₀ copies. */
  dispose(): void {
    for (const entry of this.layers) entry.initial.dispose();
  }

  /**
   * Checks that every layer's mask is N:M-valid and that its weight has at most N nonzeros per group
   * (method.md §10.1 item 1), reading both from the device.
   * @throws MaskPatternError naming the layer, row and group
   */
  async verify(n: number, m: number): Promise<void> {
    for (const entry of this.layers) {
      const mask = await this.readMask(entry);
      assertNM(mask, entry.rows, entry.cols, { n, m, layerName: entry.name });
      const { data } = await this.readWeight(entry);
      const counts = countNonzeroPerGroup(data, entry.rows, entry.cols, m);
      const bad = counts.findIndex((count) => count > n);
      if (bad >= 0) {
        const groupsPerRow = entry.cols / m;
        throw new MaskPatternError(
          `finalize: layer "${entry.name}" row ${Math.floor(bad / groupsPerRow)}, group ${bad % groupsPerRow} has ${counts[bad]} nonzero weights, more than n=${n}; ` +
            `the weights were not multiplied by their mask`,
        );
      }
    }
  }
}
