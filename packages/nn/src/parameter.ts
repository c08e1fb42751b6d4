import { Tensor, formatShape, keep, noGrad } from "@adaptive-sparse/core";
import { copyInto } from "./copy-into.js";

/** Metadata an optimizer reads from a parameter. */
export interface ParameterOptions {
  /**
   * Whether AdamW's ordinary weight decay applies. Defaults to `rank >= 2` (matrices and embeddings
   * decay; biases and LayerNorm weights do not), nanoGPT's grouping.
   */
  weightDecay?: boolean;
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

  constructor(data: Tensor, options: ParameterOptions = {}) {
    data.storage.refs++; // share the buffer, as a view does; the caller still owns `data`
    super(data.backend, data.storage, data.shape, data.dtype);
    keep(this);
    this.requiresGrad = true;
    this.weightDecay = options.weightDecay ?? data.rank >= 2;
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
