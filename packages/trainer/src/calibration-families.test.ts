import { Generator, noGrad, tensor, tidy } from "@adaptive-sparse/core";
import { calibrationWindows } from "@adaptive-sparse/data";
import { createHessianAccumulator, createWandaStatistic } from "@adaptive-sparse/masks";
import { Llama, OPT, sparsify } from "@adaptive-sparse/nn";
import { describe, expect, it } from "vitest";
import { collectCalibration } from "./calibration.js";
import { SparseModel } from "./sparse-model.js";
import { sampler, TRAIN_TOKENS } from "./test-helpers.js";
import { train } from "./train.js";

// LLaMA's q/k/v (and gate/up) read one tensor, as OPT's q/k/v do; post-LN OPT feeds the block's own input to them.
describe("calibration on the LLaMA and OPT families", () => {
  it("layers that share an input share its statistic, equal to one computed from that input directly (the Hessian within float32)", async () => {
    const llama = new Llama({ vocabSize: 32, blockSize: 16, nLayer: 2, nEmbd: 32, nHead: 4, nKvHead: 2, intermediateSize: 48 }, { generator: new Generator(2) });
    const sparse = await SparseModel.attach(sparsify(llama));
    const windows = calibrationWindows(TRAIN_TOKENS, { count: 6, blockSize: 16, seed: 1 });
    const stats = await collectCalibration({ model: llama, sparse, windows, batchSize: 3, needs: { activations: true, hessian: true } });
    const of = (layer: string) => stats.get(`model.layers.0.${layer}`)!;
    for (const layer of ["self_attn.k_proj", "self_attn.v_proj"]) {
      expect(of(layer).inputNormSq).toEqual(of("self_attn.q_proj").inputNormSq);
      expect(of(layer).hessian).toEqual(of("self_attn.q_proj").hessian);
      expect(of(layer).hessian).not.toBe(of("self_attn.q_proj").hessian); // a copy: SparseGPT may work in place
    }
    expect(of("mlp.up_proj").inputNormSq).toEqual(of("mlp.gate_proj").inputNormSq);
    expect(of("mlp.down_proj").inputNormSq).toHaveLength(48);
    // q_proj's input in block 0 is input_layernorm(embed(x)), batch by batch.
    const direct = createWandaStatistic(32);
    const directHessian = createHessianAccumulator(32); // token by token in float64
    for (let first = 0; first < 6; first += 3) {
      const values = tidy(() => noGrad(() => {
        const idx = tensor(windows.data.subarray(first * 16, (first + 3) * 16), { shape: [3, 16], dtype: "i32" });
        return llama.blocks.at(0).inputLayernorm.call(llama.embed(idx)).dataSync();
      }));
      direct.addBatch(values, 3);
      directHessian.addBatch(values, 3);
    }
    expect(of("self_attn.q_proj").inputNormSq).toEqual(direct.value());
    // The Hessian's batches come from a float32 GEMM on the backend (XᵀX), summed in float64 across batches.
    const [hessian, exact] = [of("self_attn.q_proj").hessian!, directHessian.value()];
    const scale = Math.max(...exact.map(Math.abs));
    expect(Math.max(...hessian.map((v, i) => Math.abs(v - exact[i]!))) / scale).toBeLessThan(1e-6);
    llama.dispose();
  });

  it("one-shot SparseGPT prunes a post-LN OPT (whose q/k/v read the block input, which the pruned block is re-run on)", async () => {
    const opt = new OPT({ vocabSize: 32, blockSize: 16, nLayer: 2, nEmbd: 32, nHead: 4, ffnDim: 64, doLayerNormBefore: false }, { generator: new Generator(2) });
    const result = await train({ config: { method: "one-shot", mask: { strategy: "sparsegpt", calibration: { windows: 8, batchSize: 4 } } }, student: opt, data: { train: sampler(5), calibration: TRAIN_TOKENS } });
    expect(result.layers).toHaveLength(12);
    expect(result.summary.sparsity).toBe(0.5);
    opt.dispose();
  });
});
