import { BackendError, DTypeError, ShapeError } from "../errors.js";
import { bufferInfo, noGrad, tidy } from "../engine.js";
import { formatShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { concat } from "./concat.js";
import { narrow } from "./slice-pad.js";
import { swapInto } from "./swap-into.js";

function check(target: Tensor, source: Tensor, axis: number, start: number): void {
  const where = `writeSlice: source ${formatShape(source.shape)} into target ${formatShape(target.shape)} at ${start} of axis ${axis}`;
  if (source.backend !== target.backend) throw new BackendError(`${where}: the source lives on ${source.backend.name}, the target on ${target.backend.name}; move it with .to(backend) first`);
  if (source.dtype !== target.dtype) throw new DTypeError(`${where}: dtypes differ (${source.dtype} into ${target.dtype})`);
  if (!(Number.isInteger(axis) && axis >= 0 && axis < target.rank)) throw new ShapeError(`${where}: axis must be one of 0..${target.rank - 1}`);
  const fits = source.rank === target.rank && source.shape.every((d, i) => i === axis || d === target.shape[i]);
  if (!fits) throw new ShapeError(`${where}: the shapes must agree on every axis but ${axis}`);
  if (!(Number.isInteger(start) && start >= 0 && start + source.shape[axis]! <= target.shape[axis]!)) {
    throw new ShapeError(`${where}: positions ${start}..${start + source.shape[axis]! - 1} do not fit in the target's ${target.shape[axis]}`);
  }
}

/**
 * Writes `source` into `target` in place, at positions [start, start + n) of `axis` (n = the source's length
 * there): PyTorch's `target.narrow(axis, start, n).copy_(source)`. A KV cache appends each new position to a
 * preallocated buffer this way instead of concatenating (which copies every cached position each token).
 * Uses the backend's WriteSlice kernel, else a concatenation swapped into the target's buffer (the same bytes
 * moved as a concat). Not differentiable: meant for inference state, under `noGrad`.
 * @throws ShapeError/DTypeError/BackendError when the source does not fit the target (the message names both shapes).
 * @example writeSlice(cache, kNew, 2, length) // cache [B, H, capacity, D], kNew [B, H, 1, D]
 */
export function writeSlice(target: Tensor, source: Tensor, axis: number, start: number): void {
  check(target, source, axis, start);
  const n = source.shape[axis]!;
  if (n === 0) return;
  const kernel = target.backend.kernels.WriteSlice;
  if (kernel) return kernel([bufferInfo(target)], [bufferInfo(source)], { axis, start });
  const length = target.shape[axis]!;
  // Concat copies even a single part, so `next` is always a buffer of its own.
  const next = noGrad(() =>
    tidy(() => concat([...(start > 0 ? [narrow(target, axis, 0, start)] : []), source, ...(start + n < length ? [narrow(target, axis, start + n, length - start - n)] : [])], axis)),
  );
  swapInto(target, next);
}
