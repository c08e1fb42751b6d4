import type { Tensor } from "../tensor.js";

/**
 * Puts `next`'s buffer under `target` (every view of target follows) and frees target's old buffer with `next`:
 * how an in-place op's decomposition (a new tensor computed from primitives) becomes an update of `target`.
 */
export function swapInto(target: Tensor, next: Tensor): void {
  const old = target.storage.handle;
  target.storage.handle = next.storage.handle;
  next.storage.handle = old;
  next.dispose();
}
