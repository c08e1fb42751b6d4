import { DTypeError, ShapeError, add, formatShape, keep, matmul, noGrad, ones, reshape, shapesEqual, sparseMatMul24, sum, tidy, where, type Compressed24Tensors, type Tensor } from "@adaptive-sparse/core";
import { checkFeatures } from "./check-features.js";
import { copyInto } from "./copy-into.js";
import { ModuleError } from "./errors.js";
import { Linear, addBias, type LinearOptions } from "./linear.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";
import { checkGroupSize, initSlorb, parseSlorbOptions, type SlorbOptions } from "./slorb.js";
import { straightThroughMask } from "./straight-through.js";

/** Options of {@link SparseLinear}. */
export interface SparseLinearOptions extends LinearOptions {
  /** Take over this layer's weight and bias (the same Parameter objects) instead of making new ones. */
  source?: Linear;
}

/** The SLoRB branch of a layer: k, S and (when trainable) P. */
export interface SlorbState {
  readonly groupSize: number;
  readonly s: Parameter;
  readonly p: Parameter | null;
}

/**
 * A linear layer with a u8 mask: `y = x · (M ⊙ W)ᵀ + b` (method.md §3.1) with a straight-through
 * gradient to the dense W (§3.2), plus an optional SLoRB branch `(x Pᵀ) Sᵀ` (§5). The mask starts
 * all ones; set it with `setMask`. It is a persistent buffer (`<name>.mask` in the state dict) and the
 * one place the mask lives: the forward reads it, and an optimizer gets it as `{ param: layer.weight,
 * mask: layer.mask }` for the pruned-weight decay (it is updated in place, so that entry stays valid).
 *
 * @example
 * const layer = new SparseLinear(8, 4);
 * layer.setMask(mask24);                       // u8 [4, 8]
 * layer.enableSlorb({ groupSize: 4 });          // S initialised from the pruned weights
 * const y = layer.call(x);                      // x [..., 8] -> [..., 4]
 */
export class SparseLinear extends Module<[Tensor], Tensor> {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  /** u8 [out, in], 1 = kept. Updated in place by `setMask`. */
  readonly mask: Tensor;
  #slorb: SlorbState | null = null;
  #compressed: Compressed24Tensors | null = null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: SparseLinearOptions = {},
  ) {
    super();
    const source = options.source ?? new Linear(inFeatures, outFeatures, options);
    if (source.inFeatures !== inFeatures || source.outFeatures !== outFeatures) {
      throw new ShapeError(`SparseLinear(${inFeatures} -> ${outFeatures}): source Linear is ${source.inFeatures} -> ${source.outFeatures}`);
    }
    this.weight = this.registerParameter("weight", source.weight);
    this.bias = source.bias ? this.registerParameter("bias", source.bias) : null;
    this.mask = this.registerBuffer("mask", ones([outFeatures, inFeatures], { dtype: "u8", backend: this.weight.backend }));
  }

  /** A SparseLinear sharing `linear`'s parameters (same objects, so optimizer state carries over). */
  static fromLinear(linear: Linear): SparseLinear {
    return new SparseLinear(linear.inFeatures, linear.outFeatures, { source: linear });
  }

  /**
   * Gives the layer its 2:4 weight in compressed form (values f32 [out, in/2] and packed 2-bit positions,
   * io's `compress24` layout), or removes it with null. In eval mode the forward then runs
   * `sparseMatMul24` (the wasm backend's 2:4 kernel, or an exact dense expansion elsewhere) instead of
   * the dense masked product; training always uses the dense weight. The layer holds its own references
   * (the caller may dispose its tensors) and frees them on `setCompressed24(null)` or `dispose()`.
   * The caller keeps it consistent with `M ⊙ W` (set it after finalisation, for inference).
   * @throws ShapeError/DTypeError when the tensors do not fit the layer.
   */
  setCompressed24(compressed: Compressed24Tensors | null): void {
    if (compressed) {
      const { values, indices } = compressed;
      if (values.dtype !== "f32" || indices.dtype !== "u8") throw new DTypeError(`SparseLinear.setCompressed24: values must be f32 and indices u8, got ${values.dtype} and ${indices.dtype}`);
      const size = this.outFeatures * this.inFeatures;
      if (values.size !== size / 2 || indices.size !== Math.ceil(size / 8)) {
        throw new ShapeError(`SparseLinear.setCompressed24: a [${this.outFeatures}, ${this.inFeatures}] weight compresses to ${size / 2} values and ${Math.ceil(size / 8)} index bytes, got ${values.size} and ${indices.size}`);
      }
    }
    this.#compressed?.values.dispose();
    this.#compressed?.indices.dispose();
    this.#compressed = compressed ? { values: keep(compressed.values.reshape([this.outFeatures, this.inFeatures / 2])), indices: keep(compressed.indices.reshape([compressed.indices.size])) } : null;
  }

  /** The compressed 2:4 weight set by {@link SparseLinear.setCompressed24}, or null. */
  get compressed24(): Compressed24Tensors | null {
    return this.#compressed;
  }

  override dispose(): void {
    super.dispose();
    this.setCompressed24(null);
  }

  /** The SLoRB branch, or null when not enabled. */
  get slorb(): SlorbState | null {
    return this.#slorb;
  }

  /**
   * Copies `mask` into the layer's mask (in place, so the optimizer's entry and the state dict follow).
   * Values must be 0 or 1 (not checked, to avoid a device read).
   * @param mask u8 [out, in]
   */
  setMask(mask: Tensor): void {
    if (mask.dtype !== "u8") throw new DTypeError(`SparseLinear.setMask: mask has dtype ${mask.dtype}, expected u8 (1 = kept); use .cast("u8")`);
    if (!shapesEqual(mask.shape, this.mask.shape)) {
      throw new ShapeError(`SparseLinear.setMask: mask is ${formatShape(mask.shape)} but the weight is ${formatShape(this.weight.shape)} ([out, in]); they must match`);
    }
    noGrad(() => copyInto(this.mask, mask, "SparseLinear.setMask"));
  }

  /** `M ⊙ W` [out, in] as a new tensor without gradient (the SLoRB branch is not folded in). */
  effectiveWeight(): Tensor {
    // where() rather than a multiply, so pruned entries are +0, never −0.
    return noGrad(() => where(this.mask, this.weight, 0));
  }

  /** Writes `M ⊙ W` into W (finalisation, method.md §3.12): pruned weights become exactly 0. */
  applyMask(): void {
    tidy(() => void this.weight.assign(this.effectiveWeight()));
  }

  /**
   * Adds the SLoRB branch, initialised from the current mask as M₀ (method.md §5.2). S is never
   * re-initialised when the mask changes later. Registers `slorb_s` [out, in/k] and, when the
   * projection is trainable, `slorb_p` [in/k, in].
   * @throws ConfigError for bad options or `in mod k != 0`; ModuleError when already enabled
   */
  enableSlorb(options: SlorbOptions, layerName = "SparseLinear"): SlorbState {
    if (this.#slorb) throw new ModuleError(`${layerName}: SLoRB is already enabled (k=${this.#slorb.groupSize}); enable it once per layer`);
    const resolved = parseSlorbOptions(options);
    checkGroupSize(`${layerName} ${formatShape(this.weight.shape)}`, this.inFeatures, resolved.groupSize);
    const init = initSlorb(this.weight, this.mask, resolved);
    // S and P are matrices in the weight-decay group and never carry a mask (method.md §5.3).
    const s = this.registerParameter("slorb_s", new Parameter(init.s, { weightDecay: true }));
    const p = init.p ? this.registerParameter("slorb_p", new Parameter(init.p, { weightDecay: true })) : null;
    init.s.dispose();
    init.p?.dispose();
    this.#slorb = { groupSize: resolved.groupSize, s, p };
    return this.#slorb;
  }

  /** @param x [..., in] @returns [..., out] */
  forward(x: Tensor): Tensor {
    checkFeatures("SparseLinear", x, this.inFeatures, this.outFeatures);
    let y =
      this.#compressed && !this.training
        ? sparseMatMul24(x, this.#compressed, this.outFeatures, this.inFeatures) // inference on the compressed 2:4 weight
        : matmul(x, straightThroughMask(this.weight, this.mask), { transB: true }); // (..., out)
    if (this.bias) y = addBias(y, this.bias);
    if (!this.#slorb) return y;
    const { groupSize: k, s, p } = this.#slorb;
    const lead = x.shape.slice(0, -1);
    const projected = p
      ? matmul(x, p, { transB: true }) // (..., in/k)
      : sum(reshape(x, [...lead, this.inFeatures / k, k]), -1); // (..., in/k): x Pᵀ as a block sum
    return add(y, matmul(projected, s, { transB: true })); // (..., out)
  }
}
