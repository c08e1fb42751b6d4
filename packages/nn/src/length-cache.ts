import { keep, type Backend, type Tensor } from "@adaptive-sparse/core";

/**
 * One kept device tensor that depends only on a sequence length and a backend (position ids, the causal
 * mask), rebuilt only when either changes: a training forward at a fixed length then uploads nothing
 * but its token ids (core's `arange` builds these on the host). One entry, so generation with a growing
 * length holds no more than the current one. The owning module frees it in `dispose()`.
 */
export class LengthCache {
  #entry: { length: number; backend: Backend; value: Tensor } | null = null;

  get(length: number, backend: Backend, make: () => Tensor): Tensor {
    const entry = this.#entry;
    if (entry && entry.length === length && entry.backend === backend && !entry.value.isDisposed) return entry.value;
    entry?.value.dispose();
    const value = keep(make());
    this.#entry = { length, backend, value };
    return value;
  }

  dispose(): void {
    this.#entry?.value.dispose();
    this.#entry = null;
  }
}
