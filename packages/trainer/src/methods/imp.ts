import type { LoadedTensor } from "@adaptive-sparse/io";
import { nmMaskFromScores } from "@adaptive-sparse/masks";
import { refreshMasks, type MethodHooks, type RunContext } from "../run-context.js";
import type { SparseLayerState } from "../sparse-model.js";
import { baseHooks } from "./base.js";

/** Round r (0-based) of R keeps `m − round((r+1)(m−n)/R)` per group: 3:4 then 2:4 for 2:4 with R = 2. */
export function impKeep(round: number, rounds: number, n: number, m: number): number {
  return m - Math.round(((round + 1) * (m - n)) / rounds);
}

/** First step of each round, plus `steps` at the end: rounds split the step budget evenly. */
export function impRoundStarts(steps: number, rounds: number): number[] {
  return Array.from({ length: rounds + 1 }, (_, r) => Math.floor((r * steps) / rounds));
}

/** Magnitude N:M mask over the surviving weights only (pruned ones score below every survivor). */
function survivorMask(entry: SparseLayerState, weight: Float32Array, mask: Uint8Array, keep: number, m: number): Uint8Array {
  const scores = new Float32Array(weight.length);
  for (let i = 0; i < weight.length; i++) scores[i] = mask[i] === 1 ? Math.abs(weight[i]) : -1;
  return nmMaskFromScores(scores, entry.rows, entry.cols, { n: keep, m, layerName: entry.name });
}

/**
 * Iterative magnitude pruning (method.md §6.5, our adaptation): R rounds share the step budget. Round 1
 * prunes the pretrained weights by magnitude to (m−1):m (3:4) and trains with that fixed mask; each later
 * round prunes the *trained* survivors further by magnitude (2:4 at the last), rewinds the survivors to
 * their pretrained values (with `rewind`) and trains again with a fresh optimizer. The LR schedule is
 * replayed over each round (compressed to the round's length). Pruned weights stay zero; λ ≡ 0.
 */
export function impHooks(ctx: RunContext): MethodHooks {
  const { n, m } = ctx.config.sparsity;
  const { rounds, rewind } = ctx.config.imp;
  const steps = ctx.config.steps;
  const starts = impRoundStarts(steps, rounds);
  const roundOf = (step: number) => starts.findLastIndex((start, r) => r < rounds && start <= step);
  const sparse = ctx.sparse!;
  const lr = ctx.plugins.lr!;
  let pretrained = new Map<string, Float32Array>();

  const prune = async (round: number): Promise<Uint8Array[]> => {
    const next: Uint8Array[] = [];
    // Host views once per round (IMP's rounds are few): the survivors' magnitudes and the current mask.
    for (const entry of sparse.layers) next.push(survivorMask(entry, (await sparse.readWeight(entry)).data, await sparse.readMask(entry), impKeep(round, rounds, n, m), m));
    return next;
  };
  return {
    ...baseHooks(ctx),
    lr: (step) => {
      const round = roundOf(step);
      const length = starts[round + 1] - starts[round];
      return lr(((step - starts[round]) * steps) / length);
    },
    initialize: async () => {
      if (rewind) for (const entry of sparse.layers) pretrained.set(entry.name, (await sparse.readWeight(entry)).data);
      const first = await prune(0);
      sparse.layers.forEach((entry, i) => sparse.setMask(entry, first[i]));
      sparse.applyMasks();
    },
    beforeStep: async (step) => {
      const round = roundOf(step);
      if (round === 0 || step !== starts[round]) return;
      await refreshMasks(ctx, step, await prune(round));
      for (const entry of sparse.layers) {
        if (!rewind) continue;
        const mask = await sparse.readMask(entry);
        sparse.writeWeight(entry, pretrained.get(entry.name)!.map((w, i) => (mask[i] === 1 ? w : 0)));
      }
      sparse.applyMasks();
      ctx.optimizer.dispose();
      ctx.optimizer = ctx.createOptimizer(); // a new round starts from fresh moments, as a new training run
    },
    afterUpdate: () => sparse.applyMasks(),
    checkpoint: () => ({
      state: { rewind },
      tensors: Object.fromEntries([...pretrained].map(([name, data]) => [`pretrained.${name}`, { dtype: "F32" as const, shape: [data.length], data }])),
    }),
    restore: (_state, tensors: ReadonlyMap<string, LoadedTensor>) => {
      pretrained = new Map();
      if (rewind) for (const entry of sparse.layers) pretrained.set(entry.name, Float32Array.from(tensors.get(`pretrained.${entry.name}`)!.data as Float32Array));
    },
  };
}
