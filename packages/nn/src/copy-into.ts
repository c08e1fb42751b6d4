import { BackendError, ShapeError, formatShape, shapesEqual, type Tensor } from "@adaptive-sparse/core";

/**
 * Overwrites `target`'s buffer with `source`'s values (converted to `target`'s dtype), keeping the
 * target tensor object. Parameters are updated this way so optimizer state, masks and module fields
 * that point at them stay valid.
 *
 * Like an in-place op in PyTorch, this changes every view sharing the target's buffer, and a graph
 * that saved the target for backward sees the new values: update between steps, not mid-graph.
 *
 * @throws ShapeError when the shapes differ; BackendError when the tensors live on different backends.
 */
export function copyInto(target: Tensor, source: Tensor, where = "copyInto"): void {
  if (!shapesEqual(target.shape, source.shape)) {
    throw new ShapeError(`${where}: cannot copy a ${formatShape(source.shape)} tensor into a ${formatShape(target.shape)} one`);
  }
  if (target.backend !== source.backend) {
    throw new BackendError(`${where}: source lives on backend "${source.backend.name}" but the target on "${target.backend.name}"; move it first`);
  }
  if (target.isDisposed || source.isDisposed) throw new BackendError(`${where}: ${target.isDisposed ? "target" : "source"} was disposed`);
  // Cast is the one primitive that is a plain element copy (with conversion); calling its kernel with
  // the target's own buffer as `out` writes in place without allocating.
  target.backend.kernels.Cast(
    { handle: target.storage.handle, shape: target.shape, dtype: target.dtype },
    [{ handle: source.storage.handle, shape: source.shape, dtype: source.dtype }],
    { dtype: target.dtype },
  );
}
