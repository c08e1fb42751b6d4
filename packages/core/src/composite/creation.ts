import type { Backend } from "../backend.js";
import { dtypeOfArray, typedArrayFor, type DType, type TypedArray } from "../dtype.js";
import { ConfigError, ShapeError } from "../errors.js";
import { fillOn, fromHost, getDefaultBackend } from "../engine.js";
import { Generator } from "../random.js";
import { formatShape, sizeOf, type Shape } from "../shape.js";
import type { NestedArray, Tensor } from "../tensor.js";

export interface CreateOptions {
  dtype?: DType;
  backend?: Backend;
  requiresGrad?: boolean;
}

function finish(t: Tensor, options: CreateOptions): Tensor {
  t.requiresGrad = options.requiresGrad ?? false;
  return t;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

function flatten(data: NestedArray): number[] {
  if (!Array.isArray(data)) return [data];
  const out: number[] = [];
  const walk = (level: NestedArray): void => {
    if (Array.isArray(level)) level.forEach(walk);
    else out.push(level);
  };
  walk(data);
  return out;
}

/**
 * Makes a tensor from nested arrays, a typed array (with `shape`), or a number.
 * @example tensor([[1, 2], [3, 4]]) // f32 [2, 2]
 * @throws ShapeError for ragged nested arrays or a shape that does not match the data length.
 */
export function tensor(data: NestedArray | TypedArray, options: CreateOptions & { shape?: Shape } = {}): Tensor {
  let flat: ArrayLike<number>;
  let shape: readonly number[];
  if (ArrayBuffer.isView(data)) {
    flat = data;
    shape = options.shape ?? [data.length];
  } else {
    shape = options.shape ?? inferShape(data);
    flat = flatten(data);
  }
  if (flat.length !== sizeOf(shape)) {
    throw new ShapeError(`tensor: ${flat.length} values do not fill shape ${formatShape(shape)} (nested arrays must be rectangular)`);
  }
  const dtype = options.dtype ?? (ArrayBuffer.isView(data) ? dtypeOfArray(data as TypedArray) : "f32");
  const values = typedArrayFor(dtype, flat.length);
  values.set(flat);
  return finish(fromHost(options.backend ?? getDefaultBackend(), values, shape, dtype), options);
}

/** A tensor filled with `value`, made on the device (no host upload). */
export function full(shape: Shape, value: number, options: CreateOptions = {}): Tensor {
  return finish(fillOn(options.backend ?? getDefaultBackend(), shape, options.dtype ?? "f32", value), options);
}
export const zeros = (shape: Shape, options: CreateOptions = {}): Tensor => full(shape, 0, options);
export const ones = (shape: Shape, options: CreateOptions = {}): Tensor => full(shape, 1, options);
export const fullLike = (x: Tensor, value: number): Tensor => full(x.shape, value, { dtype: x.dtype, backend: x.backend });
export const zerosLike = (x: Tensor): Tensor => fullLike(x, 0);
export const onesLike = (x: Tensor): Tensor => fullLike(x, 1);

/** `[start, start+step, ...)` below `end`; i32 by default. @example arange(0, 4) // [0, 1, 2, 3] */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  const [from, to] = end === undefined ? [0, start] : [start, end];
  const count = Math.max(0, Math.ceil((to - from) / step));
  const dtype = options.dtype ?? "i32";
  const values = typedArrayFor(dtype, count);
  for (let i = 0; i < count; i++) values[i] = from + i * step;
  return finish(fromHost(options.backend ?? getDefaultBackend(), values, [count], dtype), options);
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
  /** Shorthand for `generator: new Generator(seed)` (tfjs's `seed` argument); not with `generator`. */
  seed?: number;
}

function random(shape: Shape, options: RandomOptions, sample: (g: Generator) => number): Tensor {
  if (options.seed !== undefined && options.generator) throw new ConfigError("rand/randn: pass a seed or a generator, not both (a generator carries its own seed)");
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new ConfigError(`rand/randn: seed must be an integer, got ${options.seed}`);
  const generator = options.generator ?? new Generator(options.seed ?? 0);
  const dtype = options.dtype ?? "f32";
  const values = typedArrayFor(dtype, sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = sample(generator);
  return finish(fromHost(options.backend ?? getDefaultBackend(), values, shape, dtype), options);
}

/** Uniform in [0, 1) from a seeded generator (`generator`, or `seed`; seed 0 when neither is given). */
export const rand = (shape: Shape, options: RandomOptions = {}): Tensor => random(shape, options, (g) => g.uniform());
/** Standard normal from a seeded generator (`generator`, or `seed`; seed 0 when neither is given). */
export const randn = (shape: Shape, options: RandomOptions = {}): Tensor => random(shape, options, (g) => g.normal());
