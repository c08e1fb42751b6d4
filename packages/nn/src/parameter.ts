import { DTypeError, Tensor, formatShape, keep, noGrad, shapesEqual, ShapeError } from "@adaptive-sparse/core";
import { copyInto } from "./copy-into.js";

/** Metadata an optimizer reads from a parameter. */
export interface ParameterOptions {
  /**
   * Whether AdamW's ordinary weight decay applies. Defaults to `rank >= 2` (matrices and embeddings
   * decay; biases and LayerNorm weights do not), nanoGPT's grouping.
   */
  weightDecay?: boolean;
  /** u8 keep-mask of the same shape (1 = kept), for the masked decay on pruned weights (method.md §3.3). */
  mask?: Tensor | null;
}

/**
 * A trainable leaf tensor owned by a module (like `torch.nn.Parameter`). It shares its buffer with the
 * tensor it was made from, always requires grad, and is exempt from `tidy`: it lives until
 * `dispose()` (or `module.dispose()`).
 *
 * @example
 * const w = new Parameter(randn([4, 8], { generator: new Generator(0) }));
 * w.weightDecay; // true (rank 2)
 */
export class Parameter extends Tensor {
  /** See {@link ParameterOptions.weightDecay}. */
  weightDecay: boolean;
  #mask: Tensor | null = null;

  constructor(data: Tensor, options: ParameterOptions = {}) {
    data.storage.refs++; // share the buffer, as a view does; the caller still owns `data`
    super(data.backend, data.storage, data.shape, data.dtype);
    keep(this);
    this.requiresGrad = true;
    this.weightDecay = options.weightDecay ?? data.rank >= 2;
    this.mask = options.mask ?? null;
  }

  /** u8 keep-mask (1 = kept) or null; read by optimizers for the pruned-weight decay. */
  get mask(): Tensor | null {
    return this.#mask;
  }
  set mask(mask: Tensor | null) {
    if (mask) {
      if (mask.dtype !== "u8") throw new DTypeError(`Parameter.mask: mask has dtype ${mask.dtype}, expected u8 (1 = kept, 0 = pruned)`);
      if (!shapesEqual(mask.shape, this.shape)) {
        throw new ShapeError(`Parameter.mask: mask is ${formatShape(mask.shape)} but the parameter is ${formatShape(this.shape)}; they must match`);
      }
    }
    this.#mask = mask;
  }

  /**
   * Overwrites the values in place (no graph is recorded), keeping this object, its gradient and its
   * metadata. Use it for optimizer updates and loading weights.
   * @param value a tensor of the same shape (converted to this dtype)
   * @example noGrad(() => tidy(() => p.assign(p.sub(p.grad!.mul(lr)))));
   */
  assign(value: Tensor): this {
    noGrad(() => copyInto(this, value, "Parameter.assign"));
    return this;
  }

  override toString(): string {
    return `Parameter(${formatShape(this.shape)}, ${this.dtype}, ${this.backend.name})`;
  }
}
