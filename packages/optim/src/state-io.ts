import { formatShape, keep, shapesEqual, tensor, zeros, type Tensor } from "@adaptive-sparse/core";
import { OptimError } from "./errors.js";
import type { OptimizerState } from "./types.js";

/** The JSON part every optimizer state shares: which optimizer, and the shape of each parameter. */
export interface StateMetaBase<Group> {
  readonly optimizer: string;
  readonly version: 1;
  readonly groups: Group[];
  readonly params: { readonly shape: number[]; readonly group: number }[];
}

/** The array key of one parameter's state tensor: `params.<index>.<name>`. */
export const arrayKey = (index: number, name: string): string => `params.${index}.${name}`;

/**
 * Checks that a saved state fits the optimizer loading it (same optimizer kind, version, parameter
 * count and shapes, group count) before anything is overwritten.
 * @throws OptimError naming the first mismatch.
 */
export function checkStateFits(where: string, optimizer: string, state: OptimizerState<StateMetaBase<unknown>>, shapes: readonly (readonly number[])[], groupCount: number): void {
  const meta = state?.meta;
  if (!meta || typeof meta !== "object" || !state.arrays) throw new OptimError(`${where}: a state is { meta, arrays } as returned by state(); got ${typeof state}`);
  if (meta.optimizer !== optimizer) throw new OptimError(`${where}: this state was saved by "${meta.optimizer}", not "${optimizer}"`);
  if (meta.version !== 1) throw new OptimError(`${where}: unsupported state version ${meta.version} (this build reads version 1)`);
  if (meta.groups.length !== groupCount) throw new OptimError(`${where}: the state has ${meta.groups.length} param groups, this optimizer has ${groupCount}`);
  if (meta.params.length !== shapes.length) throw new OptimError(`${where}: the state has ${meta.params.length} parameters, this optimizer has ${shapes.length}; build the optimizer over the same parameters in the same order`);
  meta.params.forEach((saved, i) => {
    if (!shapesEqual(saved.shape, shapes[i])) {
      throw new OptimError(`${where}: parameter ${i} was saved with shape ${formatShape(saved.shape)} but is ${formatShape(shapes[i])} here; build the optimizer over the same parameters in the same order`);
    }
  });
}

/** The saved float32 array `params.<index>.<name>`, checked for length, as a fresh copy. */
export function takeArray(where: string, state: OptimizerState, index: number, name: string, length: number): Float32Array {
  const key = arrayKey(index, name);
  const array = state.arrays[key];
  if (!(array instanceof Float32Array)) throw new OptimError(`${where}: state array "${key}" is missing or not a Float32Array`);
  if (array.length !== length) throw new OptimError(`${where}: state array "${key}" has ${array.length} values, parameter ${index} has ${length}`);
  return new Float32Array(array);
}

/** Reads device state tensors into the float32 arrays of a checkpoint (the only reads an optimizer makes). */
export async function readArrays(entries: readonly [string, Tensor][]): Promise<Record<string, Float32Array>> {
  const arrays: Record<string, Float32Array> = {};
  for (const [key, value] of entries) arrays[key] = Float32Array.from(await value.data());
  return arrays;
}

/** A kept f32 tensor of `param`'s shape on its backend holding `data` (a checkpoint's saved state). */
export function stateTensor(param: Tensor, data: Float32Array): Tensor {
  return keep(tensor(data, { shape: param.shape, dtype: "f32", backend: param.backend }));
}

/** A kept f32 tensor of zeros of `param`'s shape on its backend (a device fill, no upload). */
export function zeroState(param: Tensor): Tensor {
  return keep(zeros(param.shape, { dtype: "f32", backend: param.backend }));
}
