import { BackendError, ConfigError, NonFiniteError, add, cast, div, keep, minimum, mul, noGrad, sqrt, sum, tidy, type Tensor } from "@adaptive-sparse/core";

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /**
   * Throw a NonFiniteError (before touching any gradient) when the total norm is NaN or infinite. Default
   * false, as PyTorch. It reads the norm back, so it needs a backend with sync reads (or {@link clipGradNormAsync}).
   */
  readonly errorIfNonFinite?: boolean;
}

function checkMaxNorm(maxNorm: number): void {
  if (!(maxNorm > 0)) throw new ConfigError(`clipGradNorm: maxNorm must be > 0 (Infinity only measures the norm), got ${maxNorm}`);
}

/** The parameters that have a gradient, and `sqrt(Σ g²)` over all of them as a kept scalar tensor on their backend. */
function totalNorm(params: Iterable<Tensor>): { withGrad: Tensor[]; norm: Tensor | null } {
  const withGrad = [...params].filter((param) => param.grad !== null);
  if (withGrad.length === 0) return { withGrad, norm: null };
  const norm = noGrad(() =>
    tidy(() => {
      // Per-parameter sums (each reduced on the device), then one scalar sum: a two-stage reduction.
      let squares = sum(mul(withGrad[0].grad!, withGrad[0].grad!));
      for (const param of withGrad.slice(1)) squares = add(squares, sum(mul(param.grad!, param.grad!)));
      return sqrt(squares);
    }),
  );
  return { withGrad, norm: keep(norm) };
}

function nonFinite(withGrad: readonly Tensor[], norm: number): NonFiniteError {
  return new NonFiniteError(`clipGradNorm: the total gradient norm over ${withGrad.length} parameters is ${norm}; a loss or gradient overflowed (check the learning rate and the loss scale)`);
}

/**
 * Scales every gradient by `min(1, maxNorm / (norm + 1e-6))` on the device, as PyTorch does. The
 * coefficient is computed in f64 where the backend has it (so it rounds as the host division would),
 * else in f32. A NaN norm gives NaN gradients, as in PyTorch.
 */
function scale(withGrad: readonly Tensor[], norm: Tensor, maxNorm: number): void {
  if (maxNorm === Infinity) return;
  const wide = norm.backend.capabilities.dtypes.includes("f64");
  const coefficient = noGrad(() =>
    tidy(() => {
      const n = wide ? cast(norm, "f64") : norm;
      return cast(minimum(div(maxNorm, add(n, 1e-6)), 1), norm.dtype);
    }),
  );
  for (const param of withGrad) {
    const previous = param.grad!;
    // A fresh tensor rather than an in-place write: two leaves' gradients may share one buffer.
    param.grad = keep(noGrad(() => mul(previous, coefficient)));
    previous.dispose();
  }
  coefficient.dispose();
}

/**
 * Clips gradients by their global L2 norm, like `torch.nn.utils.clip_grad_norm_`: the norm is taken over
 * all gradients together, and when it exceeds `maxNorm` every gradient is multiplied by
 * `maxNorm / (norm + 1e-6)`. Parameters without a gradient are ignored. Everything stays on the
 * parameters' backend: nothing is read back (unless `errorIfNonFinite`), so a training step need not wait.
 *
 * @param params the parameters (e.g. `optimizer.params`).
 * @param maxNorm the largest allowed norm (reference recipe: 1.0); Infinity only measures the norm.
 * @returns the total norm before clipping as a scalar tensor the caller owns (read it when logging,
 *   then dispose it), or null when no parameter has a gradient.
 * @throws ConfigError when maxNorm <= 0; NonFiniteError for a non-finite norm with `errorIfNonFinite`.
 * @example
 * loss.backward();
 * const norm = clipGradNorm(optimizer.params, 1.0);
 * // ... at the logging step: console.log((await norm!.data())[0]); norm!.dispose();
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, options: ClipGradNormOptions = {}): Tensor | null {
  checkMaxNorm(maxNorm);
  const { withGrad, norm } = totalNorm(params);
  if (!norm) return null;
  if (options.errorIfNonFinite) {
    if (!norm.backend.readSync) {
      norm.dispose();
      throw new BackendError(`clipGradNorm: errorIfNonFinite reads the norm, and backend "${norm.backend.name}" reads asynchronously only; use await clipGradNormAsync(...)`);
    }
    const value = norm.item();
    if (!Number.isFinite(value)) {
      norm.dispose();
      throw nonFinite(withGrad, value);
    }
  }
  scale(withGrad, norm, maxNorm);
  return norm;
}

/**
 * {@link clipGradNorm} that reads the norm (for scripts that print it every step): awaits the value, so
 * it blocks until the backward pass has run. Returns 0 when no parameter has a gradient.
 */
export async function clipGradNormAsync(params: Iterable<Tensor>, maxNorm: number, options: ClipGradNormOptions = {}): Promise<number> {
  checkMaxNorm(maxNorm);
  const { withGrad, norm } = totalNorm(params);
  if (!norm) return 0;
  const value = (await norm.data())[0];
  if (options.errorIfNonFinite && !Number.isFinite(value)) {
    norm.dispose();
    throw nonFinite(withGrad, value);
  }
  scale(withGrad, norm, maxNorm);
  norm.dispose();
  return value;
}
