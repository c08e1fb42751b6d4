import { ConfigError, NonFiniteError, add, keep, mul, noGrad, sqrt, sum, tidy, type Tensor } from "@adaptive-sparse/core";

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** Throw a NonFiniteError (before touching any gradient) when the total norm is NaN or infinite. Default false, as PyTorch. */
  readonly errorIfNonFinite?: boolean;
}

function checkMaxNorm(maxNorm: number): void {
  if (!(maxNorm > 0)) throw new ConfigError(`clipGradNorm: maxNorm must be > 0 (Infinity only measures the norm), got ${maxNorm}`);
}

/** The parameters that have a gradient, and `sqrt(Σ g²)` over all of them as a kept scalar tensor. */
function totalNorm(params: Iterable<Tensor>): { withGrad: Tensor[]; norm: Tensor | null } {
  const withGrad = [...params].filter((param) => param.grad !== null);
  if (withGrad.length === 0) return { withGrad, norm: null };
  const norm = noGrad(() =>
    tidy(() => {
      let squares = sum(mul(withGrad[0].grad!, withGrad[0].grad!));
      for (const param of withGrad.slice(1)) squares = add(squares, sum(mul(param.grad!, param.grad!)));
      return sqrt(squares);
    }),
  );
  return { withGrad, norm: keep(norm) };
}

/** Checks the norm, then scales every gradient by `min(1, maxNorm / (norm + 1e-6))` as PyTorch does. */
function scale(withGrad: readonly Tensor[], norm: number, maxNorm: number, options: ClipGradNormOptions): number {
  if (options.errorIfNonFinite && !Number.isFinite(norm)) {
    throw new NonFiniteError(`clipGradNorm: the total gradient norm over ${withGrad.length} parameters is ${norm}; a loss or gradient overflowed (check the learning rate and the loss scale)`);
  }
  const coefficient = maxNorm / (norm + 1e-6);
  // A NaN norm fails this test too, so NaN gradients are multiplied through, as PyTorch does.
  if (coefficient >= 1) return norm;
  for (const param of withGrad) {
    const previous = param.grad!;
    // A fresh tensor rather than an in-place write: two leaves' gradients may share one buffer.
    param.grad = keep(noGrad(() => mul(previous, coefficient)));
    previous.dispose();
  }
  return norm;
}

/**
 * Clips gradients in place by their global L2 norm, like `torch.nn.utils.clip_grad_norm_`: the norm is
 * taken over all gradients together, and when it exceeds `maxNorm` every gradient is multiplied by
 * `maxNorm / (norm + 1e-6)`. Parameters without a gradient are ignored. Needs sync reads (cpu); use
 * {@link clipGradNormAsync} elsewhere.
 *
 * @param params the parameters (e.g. `optimizer.params`).
 * @param maxNorm the largest allowed norm (reference recipe: 1.0).
 * @returns the total norm before clipping (0 when no parameter has a gradient).
 * @throws ConfigError when maxNorm <= 0; NonFiniteError for a non-finite norm with `errorIfNonFinite`.
 * @example
 * loss.backward();
 * const norm = clipGradNorm(optimizer.params, 1.0);
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, options: ClipGradNormOptions = {}): number {
  checkMaxNorm(maxNorm);
  const { withGrad, norm } = totalNorm(params);
  if (!norm) return 0;
  const value = norm.item();
  norm.dispose();
  return scale(withGrad, value, maxNorm, options);
}

/** {@link clipGradNorm} for any backend (the norm is read asynchronously). */
export async function clipGradNormAsync(params: Iterable<Tensor>, maxNorm: number, options: ClipGradNormOptions = {}): Promise<number> {
  checkMaxNorm(maxNorm);
  const { withGrad, norm } = totalNorm(params);
  if (!norm) return 0;
  const value = (await norm.data())[0];
  norm.dispose();
  return scale(withGrad, value, maxNorm, options);
}
