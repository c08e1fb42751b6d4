import { MAX_RANK } from "./common.js";

/** Row-major strides of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1]! * shape[d + 1]!;
  return strides;
}

/** Strides to read `shape` broadcast over `target` (right-aligned; size-1 and missing axes get stride 0). */
export function broadcastStridesTo(shape: readonly number[], target: readonly number[]): number[] {
  const own = contiguousStrides(shape);
  const offset = target.length - shape.length;
  return target.map((_, d) => (d < offset || shape[d - offset] === 1 ? 0 : own[d - offset]!));
}

/**
 * Merges adjacent axes wherever every operand walks them as one (stride[d] = stride[d+1]·shape[d+1]) and
 * drops size-1 axes, so `[N, C] + [C]` indexes as rank 2 and same-shape ops as rank 1.
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const keep = shape.map((n, d) => ({ n, s: strides.map((st) => st[d]!) })).filter((axis) => axis.n !== 1);
  const merged: { n: number; s: number[] }[] = [];
  for (const axis of keep) {
    const last = merged[merged.length - 1];
    if (last && last.s.every((s, k) => s === axis.s[k]! * axis.n)) {
      last.n *= axis.n;
      last.s = axis.s;
    } else merged.push({ n: axis.n, s: [...axis.s] });
  }
  if (!merged.length) merged.push({ n: 1, s: strides.map(() => 0) });
  return { shape: merged.map((axis) => axis.n), strides: strides.map((_, k) => merged.map((axis) => axis.s[k]!)) };
}

function checkRank(op: string, rank: number, shape: readonly number[]): void {
  if (rank > MAX_RANK) {
    throw new Error(`backend-cuda: ${op} over shape [${shape.join(", ")}] needs ${rank} strided axes after merging; at most ${MAX_RANK} are supported (reshape to fewer axes first)`);
  }
}

/**
 * The `Strided` struct (rank, shape[6], three stride rows[6]) as 25 ints, for `shape` iterated in row-major
 * order with up to three operands' strides.
 */
export function stridedParams(op: string, shape: readonly number[], strides: readonly (readonly number[])[]): Int32Array {
  const c = collapse(shape, strides);
  checkRank(op, c.shape.length, shape);
  const out = new Int32Array(1 + MAX_RANK * 4);
  out[0] = c.shape.length;
  c.shape.forEach((n, d) => (out[1 + d] = n));
  c.strides.forEach((row, k) => row.forEach((s, d) => (out[1 + MAX_RANK * (k + 1) + d] = s)));
  return out;
}

/**
 * The `Red` struct for reducing `input` to `out` (keepdim): kept axes (shape, input strides) and reduced axes,
 * each merged where contiguous. Output elements follow the kept axes in row-major order.
 */
export function reductionParams(op: string, input: readonly number[], out: readonly number[]): { params: Int32Array; outputs: number; reduced: number } {
  const strides = contiguousStrides(input);
  const reducedAxes = input.map((n, d) => out[d] === 1 && n !== 1);
  const pick = (want: boolean) => collapse(input.filter((_, d) => reducedAxes[d] === want), [strides.filter((_, d) => reducedAxes[d] === want)]);
  const kept = pick(false);
  const reduced = pick(true);
  checkRank(op, Math.max(kept.shape.length, reduced.shape.length), input);
  const params = new Int32Array(2 + MAX_RANK * 4);
  params[0] = kept.shape.length;
  kept.shape.forEach((n, d) => (params[1 + d] = n));
  kept.strides[0]!.forEach((s, d) => (params[1 + MAX_RANK + d] = s));
  const base = 1 + 2 * MAX_RANK;
  params[base] = reduced.shape.length;
  reduced.shape.forEach((n, d) => (params[base + 1 + d] = n));
  reduced.strides[0]!.forEach((s, d) => (params[base + 1 + MAX_RANK + d] = s));
  const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  return { params, outputs: size(kept.shape), reduced: size(reduced.shape) };
}
