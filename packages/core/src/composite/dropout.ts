import { scoped } from "../engine.js";
import { ConfigError } from "../errors.js";
import type { Generator } from "../random.js";
import type { Tensor } from "../tensor.js";
import { cast, ge, mul, rand, reshape } from "../functions.js";

export interface DropoutOptions {
  /** Source of randomness; pass one for reproducible runs. */
  generator?: Generator;
  /** When false (eval mode), dropout is the identity. */
  training?: boolean;
}

/** Zeroes each element with probability `p` and scales the rest by 1/(1−p) (inverted dropout). */
export function dropout(x: Tensor, p: number, options: DropoutOptions = {}): Tensor {
  if (!(p >= 0 && p < 1)) throw new ConfigError(`dropout: p must be in [0, 1), got ${p}`);
  if (p === 0 || options.training === false) return reshape(x, x.shape);
  return scoped([x], () => {
    const keep = cast(ge(rand(x.shape, { generator: options.generator, backend: x.backend, dtype: x.dtype }), p), x.dtype);
    return mul(mul(x, keep), 1 / (1 - p));
  });
}
