import { ShapeError } from "../errors.js";
import { formatShape, normalizeAxis } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { reshape } from "../functions.js";

/** Removes a size-1 axis (a view). */
export function squeeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis("squeeze", axis, x.rank);
  if (x.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${axis} of ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`);
  return reshape(x, x.shape.filter((_, i) => i !== a));
}

/** Inserts a size-1 axis at `axis` (a view). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis("unsqueeze", axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}
