import { keep, matmul, noGrad, tensor, tidy, type Tensor } from "@adaptive-sparse/core";
import type { WindowSet } from "@adaptive-sparse/data";
import { createHessianAccumulator, createWandaStatistic, type MaskNeeds } from "@adaptive-sparse/masks";
import { captureInputs, type CausalLM } from "@adaptive-sparse/nn";
import type { SparseLayerState, SparseModel } from "./sparse-model.js";

/** Calibration statistics of one sparse layer (what its mask strategy `needs`). */
export interface LayerStatistics {
  /** Wanda's `a_c` (method.md §2.2). */
  readonly inputNormSq?: Float32Array;
  /** SparseGPT's `H = (2/n) Σ X Xᵀ` (method.md §6.3). */
  readonly hessian?: Float64Array;
}

/** Options of {@link collectCalibration}. */
export interface CalibrationOptions {
  readonly model: CausalLM;
  readonly sparse: SparseModel;
  /** Token windows `[count, blockSize]` (from `calibrationWindows`). */
  readonly windows: WindowSet;
  /** Windows per forward pass. */
  readonly batchSize: number;
  readonly needs: MaskNeeds;
  /**
   * Sequential mode (one-shot Wanda/SparseGPT, method.md §6.2–6.3): called once block ℓ's statistics are
   * complete; prune the block's layers here. The pruned block is then re-run, so block ℓ+1's statistics
   * come from the pruned model. Without it, every block sees dense inputs (the reference's training-time
   * collection, §2.2) and the layers' masks are left as they were.
   */
  readonly onBlock?: (layers: SparseLayerState[], stats: ReadonlyMap<string, LayerStatistics>) => Promise<void>;
  /** Map to fill (so a mask computer holding it sees each block's statistics as they arrive); a new one by default. */
  readonly into?: Map<string, LayerStatistics>;
  /** Called after each block (and its `onBlock`), with the blocks done and their count: for progress. */
  readonly onProgress?: (done: number, blocks: number) => void | Promise<void>;
}

function dispose(tensors: readonly Tensor[]): void {
  for (const t of tensors) t.dispose();
}

/**
 * Σ_τ x_τ x_τᵀ over a batch's tokens ([cols, cols]) for SparseGPT's Hessian, as one matrix product on the
 * backend. Accumulated token by token in JavaScript, a 768-wide GPT-2 block's four inputs took 18.9 s per 2048
 * tokens (20 minutes a block at the default 128 windows of 1024), as a GEMM 0.4 s (wasm backend, 2 threads).
 * Summed in float32 within the batch, as the reference sums all of H; the accumulator adds batches in float64.
 */
async function gram(input: Tensor): Promise<Float32Array> {
  const cols = input.shape[input.rank - 1]!;
  const product = noGrad(() =>
    tidy(() => {
      const rows = input.reshape([input.size / cols, cols]);
      return matmul(rows, rows, { transA: true });
    }),
  );
  try {
    return (await product.data()) as Float32Array;
  } finally {
    product.dispose();
  }
}

/** The model's embedding of each batch of windows: block 0's inputs, [b, T, C] each. */
function embedWindows(model: CausalLM, windows: WindowSet, batchSize: number, backend: Tensor["backend"]): Tensor[] {
  const [count, T] = windows.shape;
  const batches: Tensor[] = [];
  for (let first = 0; first < count; first += batchSize) {
    const b = Math.min(batchSize, count - first);
    const ids = windows.data.subarray(first * T, (first + b) * T);
    batches.push(
      noGrad(() =>
        tidy(() => {
          const idx = tensor(ids, { shape: [b, T], dtype: "i32", backend });
          return model.embed(idx); // (b, T, C)
        }),
      ),
    );
  }
  return batches;
}

/**
 * Collects each sparse layer's calibration statistics block by block: forward hooks record the inputs of
 * the block's sparse linears while the layers run dense (masks set to all ones), Wanda's `a_c` and/or
 * SparseGPT's Hessian are accumulated per batch (`b` windows counted as `b` sequences), and the block's
 * outputs become the next block's inputs. Runs in eval mode without gradients.
 *
 * @returns statistics by layer name.
 */
export async function collectCalibration(options: CalibrationOptions): Promise<Map<string, LayerStatistics>> {
  const { model, sparse, windows, batchSize, needs, onBlock, onProgress } = options;
  const backend = sparse.backend;
  const saved = await Promise.all(sparse.layers.map((entry) => sparse.readMask(entry)));
  for (const entry of sparse.layers) sparse.setMask(entry, new Uint8Array(entry.rows * entry.cols).fill(1));
  const wasTraining = model.training;
  model.eval();
  const stats = options.into ?? new Map<string, LayerStatistics>();
  let hidden = embedWindows(model, windows, batchSize, backend);
  try {
    const blocks = [...model.blocks];
    for (const [index, block] of blocks.entries()) {
      const inBlock = new Set(block.namedModules().map(([, module]) => module));
      const layers = sparse.layers.filter((entry) => inBlock.has(entry.layer));
      const captured = new Map<SparseLayerState, Tensor[]>(layers.map((entry) => [entry, []]));
      const byLayer = new Map(layers.map((entry) => [entry.layer, entry]));
      const remove = captureInputs([...byLayer.keys()], (layer, input) => void captured.get(byLayer.get(layer)!)!.push(keep(input)));
      // Layers fed the same tensor (LLaMA's q/k/v and gate/up, OPT's q/k/v) share one statistic: owner[i] is
      // the first layer that read layer i's input; only owners accumulate.
      const owner = layers.map((_, i) => i);
      const wanda = layers.map((entry) => (needs.activations ? createWandaStatistic(entry.cols) : null));
      const hessian = layers.map((entry) => (needs.hessian ? createHessianAccumulator(entry.cols) : null));
      let outputs: Tensor[] = [];
      try {
        for (const [batch, x] of hidden.entries()) {
          outputs.push(noGrad(() => tidy(() => block.call(x))));
          const readBy = new Map<Tensor, number>();
          for (const [i, entry] of layers.entries()) {
            for (const input of captured.get(entry)!.splice(0)) {
              const first = readBy.get(input);
              if (first !== undefined) {
                if (batch === 0) [owner[i], wanda[i], hessian[i]] = [first, null, null];
                continue;
              }
              readBy.set(input, i);
              if (hessian[i]) hessian[i].addGram(await gram(input), x.shape[0]);
              if (wanda[i]) wanda[i].addBatch(await input.data(), x.shape[0]); // [b, T, cols] as [tokens, cols]
              if (input !== x) input.dispose(); // post-LN OPT feeds the block's own input to q/k/v: re-run below
            }
          }
        }
      } finally {
        remove();
        for (const list of captured.values()) dispose(list);
      }
      const values = layers.map((_, i) => (owner[i] === i ? { inputNormSq: wanda[i]?.value(), hessian: hessian[i]?.value() } : null));
      // Copies for the sharers: a strategy may work on its statistic in place (SparseGPT's Cholesky).
      layers.forEach((entry, i) => {
        const shared = values[owner[i]!]!;
        stats.set(entry.name, owner[i] === i ? shared : { inputNormSq: shared.inputNormSq?.slice(), hessian: shared.hessian?.slice() });
      });
      if (onBlock) {
        await onBlock(layers, stats);
        // Block ℓ+1 must see what the pruned block ℓ produces (method.md §6.2, step "re-run the pruned block").
        dispose(outputs);
        outputs = hidden.map((x) => noGrad(() => tidy(() => block.call(x))));
      }
      dispose(hidden);
      hidden = outputs;
      await onProgress?.(index + 1, blocks.length);
    }
  } finally {
    dispose(hidden);
    model.train(wasTraining);
  }
  if (!onBlock) sparse.layers.forEach((entry, i) => sparse.setMask(entry, saved[i]));
  return stats;
}
