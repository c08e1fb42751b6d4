import { ShapeError, formatShape, type Tensor } from "@adaptive-sparse/core";

/** @internal a layer-named error before MatMul's generic one: `x`'s last axis must be `inFeatures`. */
export function checkFeatures(layer: string, x: Tensor, inFeatures: number, outFeatures: number): void {
  if (x.rank < 1 || x.shape[x.rank - 1] !== inFeatures) {
    throw new ShapeError(`${layer}(${inFeatures} -> ${outFeatures}): input is ${formatShape(x.shape)}; its last axis must be ${inFeatures}`);
  }
}
