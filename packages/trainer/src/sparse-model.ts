import { noGrad, tensor, tidy, type Backend } from "@adaptive-sparse/core";
import { assertNM, countNonzeroPerGroup, flipCount, MaskPatternError, type WeightMatrix } from "@adaptive-sparse/masks";
import type { SparseLayerEntry, SparseLinear } from "@adaptive-sparse/nn";
import type { LayerFlips } from "./events.js";

/** One sparse layer with host copies of its current mask and of the initial mask M₀. */
export interface SparseLayerState {
  readonly name: string;
  readonly layer: SparseLinear;
  readonly rows: number;
  readonly cols: number;
  /** The mask the layer holds now (kept in sync by {@link SparseModel.setMask}). */
  mask: Uint8Array;
  /** M₀, the mask flips-vs-initial are counted against (method.md §3.10). */
  initial: Uint8Array;
}

/** Model-wide flip counts of one refresh. */
export interface FlipStats {
  readonly flipsPrevious: number;
  readonly flipsInitial: number;
  readonly ratioPrevious: number;
  readonly ratioInitial: number;
  readonly layers: LayerFlips[];
}

/**
 * The sparse layers of a model as the trainer sees them: masks mirrored on the host (for flip
 * counting and checkpoints), weights read and written as typed arrays (for mask strategies, which work
 * on plain arrays), and the prunable-weight total that normalises flip ratios.
 */
export class SparseModel {
  readonly layers: SparseLayerState[];

  private constructor(layers: SparseLayerState[]) {
    this.layers = layers;
  }

  /** Wraps sparse layers, reading their current masks (which also become M₀ until set otherwise). */
  static async attach(entries: readonly SparseLayerEntry[]): Promise<SparseModel> {
    const layers: SparseLayerState[] = [];
    for (const { name, layer } of entries) {
      const mask = Uint8Array.from(await layer.mask.data());
      layers.push({ name, layer, rows: layer.outFeatures, cols: layer.inFeatures, mask, initial: mask.slice() });
    }
    return new SparseModel(layers);
  }

  /** Total prunable weights P_total (method.md §1.3). */
  get prunable(): number {
    return this.layers.reduce((total, entry) => total + entry.rows * entry.cols, 0);
  }

  get backend(): Backend {
    return this.layers[0].layer.weight.backend;
  }

  /** A host copy of a layer's dense weight `[out, in]`. */
  async readWeight(entry: SparseLayerState): Promise<WeightMatrix> {
    return { data: Float32Array.from(await entry.layer.weight.data()), rows: entry.rows, cols: entry.cols };
  }

  /** Overwrites a layer's dense weight in place (same Parameter object). */
  writeWeight(entry: SparseLayerState, data: Float32Array): void {
    noGrad(() => tidy(() => void entry.layer.weight.assign(tensor(data, { shape: [entry.rows, entry.cols], backend: this.backend }))));
  }

  /** Sets a layer's mask (device and host copy). */
  setMask(entry: SparseLayerState, mask: Uint8Array): void {
    tidy(() => entry.layer.setMask(tensor(mask, { shape: [entry.rows, entry.cols], dtype: "u8", backend: this.backend })));
    entry.mask = mask.slice();
  }

  /** Makes the current masks the initial masks M₀. */
  markInitial(): void {
    for (const entry of this.layers) entry.initial = entry.mask.slice();
  }

  /**
   * Flip counts of `next` masks (one per layer, or the current ones when omitted) against the current
   * masks and against M₀, normalised by the prunable total (method.md §3.10).
   */
  flips(next?: readonly Uint8Array[]): FlipStats {
    let flipsPrevious = 0;
    let flipsInitial = 0;
    const layers = this.layers.map((entry, i) => {
      const mask = next ? next[i] : entry.mask;
      const previous = flipCount(entry.mask, mask);
      const initial = flipCount(entry.initial, mask);
      flipsPrevious += previous;
      flipsInitial += initial;
      return { name: entry.name, flipsPrevious: previous, flipsInitial: initial };
    });
    const total = this.prunable;
    return { flipsPrevious, flipsInitial, ratioPrevious: flipsPrevious / total, ratioInitial: flipsInitial / total, layers };
  }

  /** W ← M ⊙ W in every layer: pruned weights become exactly 0 (method.md §3.12). */
  applyMasks(): void {
    for (const entry of this.layers) entry.layer.applyMask();
  }

  /** Fraction of prunable weights that the masks prune. */
  sparsity(): number {
    const pruned = this.layers.reduce((total, entry) => total + entry.mask.reduce((zeros, bit) => zeros + (bit === 0 ? 1 : 0), 0), 0);
    return pruned / this.prunable;
  }

  /**
   * Checks that every layer's mask is N:M-valid and that its weight has at most N nonzeros per group
   * (method.md §10.1 item 1), reading both from the device.
   * @throws MaskPatternError naming the layer, row and group
   */
  async verify(n: number, m: number): Promise<void> {
    for (const entry of this.layers) {
      const mask = Uint8Array.from(await entry.layer.mask.data());
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
