import {
  abs, add, argmax, clamp, concat, crossEntropy, div, eq, expand, gather, ge, gelu, groupTopK, gt, layerNorm,
  le, logSoftmax, lt, matmul, max, maximum, mean, min, minimum, mul, ne, narrow, permute, pow, relu, reshape,
  rmsNorm, rotary, scatterAdd, sign, silu, slice, softmax, split, square, sub, sum, tensor, transpose, tril, causalMask, maskedFill, where, type Tensor,
} from "@adaptive-sparse/core";

/** A fixed multiplier so shape ops' gradients are not all ones (matches `torch.arange(n).reshape(shape)`). */
const ramp = (like: Tensor, shape: number[]) =>
  reshape(tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i), { dtype: like.dtype, backend: like.backend }), shape);

function attention(q: Tensor, k: Tensor, v: Tensor): Tensor {
  const t = q.shape[q.rank - 2];
  const scores = mul(matmul(q, k, { transB: true }), 1 / Math.sqrt(q.shape[q.rank - 1]));
  const blocked = eq(causalMask(t, q.backend), 0);
  return matmul(softmax(maskedFill(scores, blocked, -Infinity)), v);
}

/** Each fixture case of fixtures/ops.json, written with core ops (the same computation as generate.py). */
export const CASES: Record<string, (...inputs: Tensor[]) => Tensor> = {
  neg: (x) => x.neg(),
  exp: (x) => x.exp(),
  log: (x) => x.log(),
  sqrt: (x) => x.sqrt(),
  reciprocal: (x) => x.reciprocal(),
  tanh: (x) => x.tanh(),
  abs: (x) => abs(x),
  sign: (x) => sign(x),
  square: (x) => square(x),
  clamp: (x) => clamp(x, -0.5, 0.7),
  pow_scalar: (x) => pow(x, 3),
  pow_tensor: (a, b) => pow(a, b),
  add_broadcast_row: (a, b) => add(a, b),
  add_scalar_tensor: (a, b) => add(a, b),
  add_number: (x) => add(x, 2.5),
  sub_broadcast_size1: (a, b) => sub(a, b),
  mul_outer: (a, b) => mul(a, b),
  div_broadcast: (a, b) => div(a, b),
  maximum: (a, b) => maximum(a, b),
  minimum: (a, b) => minimum(a, b),
  lt: (a, b) => lt(a, b),
  le: (a, b) => le(a, b),
  gt: (a, b) => gt(a, b),
  ge: (a, b) => ge(a, b),
  eq: (a, b) => eq(a, b),
  ne: (a, b) => ne(a, b),
  where: (c, a, b) => where(c, a, b),
  sum_all: (x) => sum(x),
  sum_axis_keepdim: (x) => sum(x, 1, true),
  sum_axes: (x) => sum(x, [0, 2]),
  mean_axis: (x) => mean(x, -1),
  mean_all: (x) => mean(x),
  max_axis_ties: (x) => max(x, 1),
  max_all: (x) => max(x),
  min_axis: (x) => min(x, 0, true),
  argmax: (x) => argmax(x, 1),
  matmul_2d: (a, b) => matmul(a, b),
  matmul_trans_a: (a, b) => matmul(a, b, { transA: true }),
  matmul_trans_b: (a, b) => matmul(a, b, { transB: true }),
  matmul_trans_ab: (a, b) => matmul(a, b, { transA: true, transB: true }),
  matmul_batched: (a, b) => matmul(a, b),
  matmul_batch_broadcast: (a, b) => matmul(a, b),
  matmul_linear: (x, w) => matmul(x, w, { transB: true }),
  reshape: (x) => mul(reshape(x, [4, 6]), ramp(x, [4, 6])),
  transpose: (x) => mul(transpose(x, 0, 2), ramp(x, [4, 3, 2])),
  permute: (x) => mul(permute(x, [1, 2, 0]), ramp(x, [3, 4, 2])),
  expand: (x) => mul(expand(x, [2, 3, 4]), ramp(x, [2, 3, 4])),
  slice: (x) => slice(x, [1, 2], [2, 3]),
  narrow: (x) => narrow(x, 1, 2, 3),
  concat: (a, b) => mul(concat([a, b], 1), ramp(a, [2, 5])),
  split: (x) => {
    const [first, second] = split(x, [2, 3], 0);
    return add(mul(second, 2), sum(first));
  },
  squeeze_unsqueeze: (x) => mul(x.squeeze(1).unsqueeze(0), ramp(x, [1, 3, 4])),
  gather_embedding: (table, indices) => gather(table, indices),
  scatter_add: (src, indices) => scatterAdd(src, indices, 4),
  group_top_k_2_4: (x) => groupTopK(abs(x), 2, 4),
  group_top_k_4_8: (x) => groupTopK(x, 4, 8),
  softmax: (x) => softmax(x, -1),
  softmax_axis0: (x) => softmax(x, 0),
  log_softmax: (x) => logSoftmax(x, -1),
  gelu: (x) => gelu(x),
  relu: (x) => relu(x),
  layer_norm: (x, w, b) => layerNorm(x, w, b, 1e-5),
  cross_entropy: (x, t) => crossEntropy(x, t),
  cross_entropy_ignore: (x, t) => crossEntropy(x, t),
  cross_entropy_sum: (x, t) => crossEntropy(x, t, { reduction: "sum" }),
  tril: () => tril(3, 4),
  masked_fill_causal: (x) => softmax(maskedFill(x, eq(causalMask(4, x.backend), 0), -Infinity)),
  attention: (q, k, v) => attention(q, k, v),
  rms_norm: (x, w) => rmsNorm(x, w, 1e-6),
  silu: (x) => silu(x),
  rotary: (x, cos, sin) => rotary(x, cos, sin, 2),
};
