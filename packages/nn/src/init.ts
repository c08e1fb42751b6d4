import { Generator, tensor, type Backend, type Tensor } from "@adaptive-sparse/core";

// Initialisers draw on the host from a seeded Generator, so a seed gives the same model on every backend;
// the values are uploaded once to `backend` (core's default backend when omitted).

function fill(shape: readonly number[], sample: () => number, backend?: Backend): Tensor {
  const values = new Float32Array(shape.reduce((n, d) => n * d, 1));
  for (let i = 0; i < values.length; i++) values[i] = sample();
  return tensor(values, { shape, backend });
}

/** f32 tensor with entries from N(0, std²). */
export function normalInit(shape: readonly number[], std: number, generator: Generator = new Generator(0), backend?: Backend): Tensor {
  return fill(shape, () => generator.normal() * std, backend);
}

/** f32 tensor with entries uniform in [−bound, bound). */
export function uniformInit(shape: readonly number[], bound: number, generator: Generator = new Generator(0), backend?: Backend): Tensor {
  return fill(shape, () => (2 * generator.uniform() - 1) * bound, backend);
}

/**
 * Xavier/Glorot uniform for a matrix [rows, cols] (`torch.nn.init.xavier_uniform_`): bound
 * `sqrt(6 / (rows + cols))` (fan-in = cols, fan-out = rows).
 */
export function xavierUniformInit(shape: readonly [number, number], generator: Generator = new Generator(0), backend?: Backend): Tensor {
  return uniformInit(shape, Math.sqrt(6 / (shape[0] + shape[1])), generator, backend);
}
