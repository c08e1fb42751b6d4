import { ConfigError } from "@adaptive-sparse/core";

/** Where gradual magnitude pruning starts and ends, in optimizer steps. */
export interface GmpWindow {
  /** t₀: first pruning step (sparsity 0 there). */
  readonly start: number;
  /** t₁: the step at which the target sparsity is reached. */
  readonly end: number;
  /** s_f: the final sparsity, 1 − n/m. */
  readonly target: number;
  /** Steps between pruning steps. */
  readonly every: number;
}

/** t₀ = round(startFraction·steps), t₁ = round(endFraction·steps) (at least t₀ + 1). */
export function gmpWindow(steps: number, options: { startFraction: number; endFraction: number; every: number }, n: number, m: number): GmpWindow {
  const start = Math.round(options.startFraction * steps);
  const end = Math.max(start + 1, Math.round(options.endFraction * steps));
  return { start, end, target: 1 - n / m, every: options.every };
}

/**
 * The cubic sparsity schedule of Zhu & Gupta (method.md §6.5): `s(t) = s_f + (s_i − s_f)(1 − (t − t₀)/(t₁ − t₀))³`
 * with s_i = 0, clamped to 0 before t₀ and s_f after t₁.
 * @example gmpSparsity(50, { start: 0, end: 100, target: 0.5, every: 10 }) // 0.4375
 */
export function gmpSparsity(step: number, window: GmpWindow): number {
  if (step <= window.start) return 0;
  if (step >= window.end) return window.target;
  const remaining = 1 - (step - window.start) / (window.end - window.start);
  return window.target * (1 - remaining ** 3);
}

/** Pruning happens at t₀, t₀ + every, … up to t₁, and at t₁ itself. */
export function isGmpPruningStep(step: number, window: GmpWindow): boolean {
  if (step < window.start || step > window.end) return false;
  return (step - window.start) % window.every === 0 || step === window.end;
}

/**
 * One GMP pruning step on a layer: zeroes the smallest-magnitude surviving weights until `targetPruned`
 * weights are pruned, never pruning more than `maxPerGroup` in any group of `m` consecutive columns
 * (so at the target every group has exactly m − n zeros, method.md §6.5). Ties: lower flat index first.
 *
 * @param weight `[rows, cols]` row-major; @param mask current keep-mask (not modified)
 * @returns the new keep-mask (pruned positions of `mask` stay pruned)
 * @throws ConfigError when the target cannot be reached under the group cap
 */
export function gmpPruneLayer(weight: ArrayLike<number>, mask: Uint8Array, m: number, maxPerGroup: number, targetPruned: number, layerName = "layer"): Uint8Array {
  const next = mask.slice();
  const prunedInGroup = new Int32Array(mask.length / m);
  let pruned = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) {
      prunedInGroup[Math.floor(i / m)]++;
      pruned++;
    }
  }
  if (pruned >= targetPruned) return next;
  if (targetPruned > prunedInGroup.length * maxPerGroup) {
    throw new ConfigError(`gmp: layer "${layerName}" cannot prune ${targetPruned} weights with at most ${maxPerGroup} per group of ${m}`);
  }
  const candidates: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1 && prunedInGroup[Math.floor(i / m)] < maxPerGroup) candidates.push(i);
  candidates.sort((a, b) => Math.abs(weight[a]) - Math.abs(weight[b]) || a - b);
  for (const i of candidates) {
    if (pruned >= targetPruned) break;
    const group = Math.floor(i / m);
    if (prunedInGroup[group] >= maxPerGroup) continue; // the group filled up earlier in this pass
    next[i] = 0;
    prunedInGroup[group]++;
    pruned++;
  }
  return next;
}
