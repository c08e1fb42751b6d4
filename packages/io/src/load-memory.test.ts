import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCpuBackend } from "@adaptive-sparse/core";
import { parseLlamaConfig } from "@adaptive-sparse/nn";
import { describe, expect, it } from "vitest";
import { llamaShapes } from "./family-shapes.js";
import { decodeBFloat16, encodeBFloat16 } from "./half.js";
import { llamaConfigToHf } from "./hf-llama-config.js";
import { llamaNames } from "./family-names.js";
import { LLAMA_FAMILIES } from "./llama-opt-families.js";
import { checkWeights } from "./stream-weights.js";
import { writeSafetensors } from "./safetensors-write.js";

// Measuring the process's array buffers needs a collector we can run: `global.gc` (node --expose-gc).
// Without it, garbage the collector has not reached yet would be counted, so that test says how to run it.
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) console.log("load-memory.test.ts: the array-buffer measurement is skipped (needs --expose-gc): NODE_OPTIONS=--expose-gc npx vitest run --project io src/load-memory.test.ts");

const config = parseLlamaConfig({ vocabSize: 2000, blockSize: 64, nLayer: 2, nEmbd: 512, nHead: 8, nKvHead: 2, intermediateSize: 1408 });

/** A sharded BF16 checkpoint of `config` (7.7M parameters, 15 MB) in a new folder. */
async function writeCheckpoint(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "load-memory-"));
  const shapes = [...llamaShapes(config)];
  const weightMap: Record<string, string> = {};
  for (const [i, part] of [shapes.slice(0, 10), shapes.slice(10)].entries()) {
    const file = `model-0000${i + 1}-of-00002.safetensors`;
    const tensors = Object.fromEntries(part.map(([name, shape]) => [name, { dtype: "BF16" as const, shape, data: Float32Array.from({ length: shape.reduce((n, d) => n * d, 1) }, (_, k) => ((k % 97) - 48) / 2400) }]));
    await writeSafetensors(join(dir, file), tensors);
    for (const [name] of part) weightMap[name] = file;
  }
  writeFileSync(join(dir, "model.safetensors.index.json"), JSON.stringify({ metadata: {}, weight_map: weightMap }));
  writeFileSync(join(dir, "config.json"), JSON.stringify(llamaConfigToHf(config)));
  return dir;
}

// loadModel's steps, with the model made first: its creation (random init, the cpu backend's pool of freed
// buffers) is not the loader's doing; what streaming adds on top of the model is what these tests bound.
async function load(dir: string, hooks: { afterCreate?: () => void; onTensor?: () => void; inPlace?: boolean } = {}) {
  const weights = await checkWeights(dir, llamaShapes(config), llamaNames(false), "test", { inPlace: hooks.inPlace });
  const model = LLAMA_FAMILIES[0]!.create(config, { backend: createCpuBackend(), init: false });
  hooks.afterCreate?.();
  return { model, report: await weights.loadInto(model, { onTensor: hooks.onTensor }) };
}

describe("loading a sharded BF16 LLaMA checkpoint streams it", () => {
  it("adding one 1 MiB read chunk on the cpu backend, one f32 tensor more where it cannot read in place (7.7M parameters)", async () => {
    const dir = await writeCheckpoint();
    try {
      for (const inPlace of [true, false]) {
        const { model, report } = await load(dir, { inPlace });
        expect(model.numParameters()).toBe(7_686_656);
        // Without in-place reads: also the largest tensor (embed_tokens, 2000 x 512, 13% of the model) as f32.
        expect(report.peakHostBytes).toBe(inPlace ? 2 ** 20 : 4 * 2000 * 512 + 2 ** 20);
        expect(report.peakHostBytes / (4 * model.numParameters())).toBeLessThan(inPlace ? 0.04 : 0.2);
        const stored = decodeBFloat16(encodeBFloat16(Float32Array.from({ length: 512 }, (_, k) => ((k % 97) - 48) / 2400)));
        expect(await model.getParameter("model.norm.weight").data()).toEqual(stored);
        model.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!gc)("and the process's array buffers grow by no more than that (plus 2 MiB of the test runner's own)", async () => {
    const dir = await writeCheckpoint();
    try {
      let [base, peak] = [0, 0];
      const { model, report } = await load(dir, {
        afterCreate() {
          gc!();
          base = process.memoryUsage().arrayBuffers;
        },
        onTensor() {
          gc!();
          peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
        },
      });
      console.log(`load-memory.test.ts: array buffers grew by ${peak} bytes at most (${(peak / (4 * model.numParameters())).toFixed(3)}x the f32 model; the loader held ${report.peakHostBytes})`);
      expect(peak).toBeLessThanOrEqual(report.peakHostBytes + 2 * 2 ** 20);
      model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
