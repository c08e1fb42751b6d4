// What core's fused LLaMA kernels (RMSNorm, SiLU, Rotary and their gradients) save on our wasm backend, without the
// rest of the bench: a LLaMA-shaped model's `generate` decode (FAMILY_MODELS' first, dense and with its 2:4 layers
// compressed) and a small LLaMA's training step, each timed with the kernels and with them taken out of the
// backend's kernel table (core then runs their decompositions), interleaved in one process.
//   node --experimental-wasm-relaxed-simd tooling/bench/src/llama-fused.mjs [--threads N]
// Needs the packages' dist builds (`npx turbo run build`).
import os from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { createWasmBackend } from "@adaptive-sparse/backend-wasm";
import { Generator, setDefaultBackend, tensor, tidy } from "@adaptive-sparse/core";
import { Llama } from "@adaptive-sparse/nn";
import { AdamW } from "@adaptive-sparse/optim";
import { FAMILY_MODELS } from "./family-decode.mjs";
import { compressTwin } from "./gpt-decode.mjs";
import { median } from "./measure.mjs";

const FUSED = ["RMSNorm", "RMSNormGrad", "Silu", "SiluGrad", "Rotary"];
const { values } = parseArgs({ options: { threads: { type: "string" } } });
const threads = values.threads ? Number(values.threads) : (os.availableParallelism?.() ?? os.cpus().length);
const backend = await createWasmBackend({ threads });
setDefaultBackend(backend);
const kernels = Object.fromEntries(FUSED.map((name) => [name, backend.kernels[name]]));
const useFused = (on) => FUSED.forEach((name) => (on ? (backend.kernels[name] = kernels[name]) : delete backend.kernels[name]));

/** Times `run` (returning ms) `rounds` times with the kernels and without, interleaved; the first round is warm-up. */
async function ab(run, rounds) {
  const ms = { fused: [], composite: [] };
  for (let r = 0; r <= rounds; r++) {
    for (const on of [true, false]) {
      useFused(on);
      const took = await run();
      if (r > 0) ms[on ? "fused" : "composite"].push(took);
    }
  }
  return { fused: median(ms.fused), composite: median(ms.composite) };
}

const line = (what, { fused, composite }, unit) => console.log(`${what}: fused ${fused.toFixed(2)} ${unit}, decompositions ${composite.toFixed(2)} ${unit} (${(composite / fused).toFixed(2)}×)`);

const spec = FAMILY_MODELS.find((s) => s.family === "llama");
for (const sparse of [false, true]) {
  const model = new Llama(spec.config, { init: false }); // zero weights: the time does not depend on them
  const twin = sparse ? compressTwin(model) : null;
  twin?.layers.forEach((layer, i) => layer.setCompressed24(twin.compressed[i]));
  model.eval();
  const prompt = tensor([Array.from({ length: 32 }, (_, i) => i + 1)], { dtype: "i32" });
  const generate = async (tokens) => {
    const start = performance.now();
    (await model.generate(prompt, tokens, { temperature: 0 })).dispose();
    return performance.now() - start;
  };
  // ms per decoded token: 33 tokens minus the first one's time (the prompt), over 32.
  line(`${spec.name} ${sparse ? "2:4" : "dense"} decode, ms a token`, await ab(async () => ((await generate(33)) - (await generate(1))) / 32, 6), "ms");
  for (const { values, indices } of twin?.compressed ?? []) {
    values.dispose();
    indices.dispose();
  }
  prompt.dispose();
  model.dispose();
}

const config = { vocabSize: 4096, blockSize: 128, nLayer: 4, nEmbd: 256, nHead: 4, nKvHead: 2, intermediateSize: 688 };
const model = new Llama(config, { generator: new Generator(0) });
model.train();
const optimizer = new AdamW(model.parameters(), { lr: 1e-3 });
const data = new Generator(1);
const tokens = () => tensor(Int32Array.from({ length: 16 * 128 }, () => Math.floor(data.uniform() * 4096)), { shape: [16, 128], dtype: "i32" });
const [idx, targets] = [tokens(), tokens()];
const step = async () => {
  const start = performance.now();
  optimizer.zeroGrad();
  const loss = tidy(() => {
    const l = model.forward(idx, targets).loss;
    l.backward();
    return l;
  });
  await loss.data();
  loss.dispose();
  optimizer.step();
  return performance.now() - start;
};
line("LLaMA training step (4 layers, width 256, 2 key/value heads, batch 16×128, AdamW)", await ab(step, 5), "ms");
backend.dispose();
process.exit(0);
