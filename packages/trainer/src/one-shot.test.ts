import { keep, noGrad, tensor, tidy, type Tensor } from "@adaptive-sparse/core";
import { calibrationWindows } from "@adaptive-sparse/data";
import { assertIs24 } from "@adaptive-sparse/masks";
import type { GPT, Linear, SparseLinear } from "@adaptive-sparse/nn";
import { describe, expect, it } from "vitest";
import type { TrainerEvent } from "./events.js";
import { TRAIN_TOKENS, VALIDATION_TOKENS, modelFrom, pretrainedWeights } from "./test-helpers.js";
import { train } from "./train.js";

const CALIBRATION = { windows: 16, seed: 3 };

async function oneShot(strategy: string, extra: object = {}) {
  const student = modelFrom(await pretrainedWeights());
  const events: TrainerEvent[] = [];
  const result = await train({
    config: { method: "one-shot", mask: { strategy, calibration: CALIBRATION }, ...extra },
    student,
    data: { calibration: TRAIN_TOKENS, validation: { val: VALIDATION_TOKENS } },
    onEvent: (event) => void events.push(event),
  });
  return { result, events };
}

/** The inputs [tokens, in] that `layerName` sees in the dense model on the calibration windows. */
async function denseInputs(model: GPT, layerName: string): Promise<Float32Array> {
  const windows = calibrationWindows(TRAIN_TOKENS, { count: CALIBRATION.windows, blockSize: 16, seed: CALIBRATION.seed });
  const captured: Tensor[] = [];
  const remove = (model.getModule(layerName) as Linear).registerForwardHook((_m, inputs) => void captured.push(keep(inputs[0])));
  noGrad(() => tidy(() => void model.forward(tensor(windows.data, { shape: windows.shape, dtype: "i32" }))));
  remove();
  const data = (await captured[0].data()) as Float32Array;
  captured[0].dispose();
  return data;
}

/** ‖(W − Ŵ) Xᵀ‖² summed over tokens: the layer reconstruction error of method.md §10.1 item 13. */
function reconstructionError(dense: Float32Array, pruned: Float32Array, inputs: Float32Array, rows: number, cols: number): number {
  let total = 0;
  for (let t = 0; t < inputs.length / cols; t++) {
    for (let r = 0; r < rows; r++) {
      let diff = 0;
      for (let c = 0; c < cols; c++) diff += (dense[r * cols + c] - pruned[r * cols + c]) * inputs[t * cols + c];
      total += diff * diff;
    }
  }
  return total;
}

describe("one-shot pruning (method.md §6.1–6.3)", () => {
  it("magnitude, wanda and sparsegpt prune every layer to 2:4 without training, the calibrating ones reporting each block", async () => {
    for (const strategy of ["magnitude", "wanda", "sparsegpt"]) {
      const { result, events } = await oneShot(strategy);
      expect(result.status).toBe("completed");
      expect(result.losses).toEqual([]);
      // Strategies that calibrate report each block (the model has 2) before the run's start.
      const blocks = strategy === "magnitude" ? [] : [1, 2].map((block) => ({ type: "calibration", block, blocks: 2, windows: 16, tokens: 16 * 16 }));
      expect(events.map((e) => e.type)).toEqual([...blocks.map(() => "calibration"), "start", "eval", "done"]);
      expect(events.filter((e) => e.type === "calibration")).toMatchObject(blocks);
      for (const { name, layer } of result.layers) {
        const [rows, cols] = layer.weight.shape;
        assertIs24((await layer.mask.data()) as Uint8Array, rows, cols, name);
      }
      expect(result.summary.sparsity).toBe(0.5);
      expect(result.summary.perplexity.val).toBeGreaterThan(1);
    }
  });

  it("sparsegpt's layer reconstruction error on the calibration data is below magnitude's, and so is its perplexity", async () => {
    const weights = await pretrainedWeights();
    const dense = modelFrom(weights);
    const magnitude = await oneShot("magnitude");
    const sparsegpt = await oneShot("sparsegpt");
    // Block 0's c_attn sees the same (dense) inputs in both runs, so its errors compare directly.
    const name = "transformer.h.0.attn.c_attn";
    const inputs = await denseInputs(dense, name);
    const original = weights.get(`${name}.weight`)!.data as Float32Array;
    const error = async (model: GPT) => reconstructionError(original, (await (model.getModule(name) as SparseLinear).weight.data()) as Float32Array, inputs, 96, 32);
    const eMagnitude = await error(magnitude.result.model);
    const eSparsegpt = await error(sparsegpt.result.model);
    expect(eSparsegpt).toBeLessThan(0.8 * eMagnitude);
    expect(sparsegpt.result.summary.perplexity.val).toBeLessThan(magnitude.result.summary.perplexity.val);
  });

  it("adds SLoRB from the dense weights before zeroing the pruned ones", async () => {
    const { result } = await oneShot("magnitude", { slorb: { k: 16 } });
    const layer = result.layers[0].layer;
    const s = await layer.slorb!.s.data();
    expect(s.some((v) => v !== 0)).toBe(true);
    expect(result.model.stateDict().has(`${result.layers[0].name}.slorb_s`)).toBe(true);
  });
});
