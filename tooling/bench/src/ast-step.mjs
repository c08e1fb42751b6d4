/* global performance */
// The AST step that pruning GPT-2 124M on the CPU repeats, through the trainer itself (masks, straight-through
// weights, λ-decayed AdamW, and with --distill the teacher's forward and the KL loss), and a mask refresh's cost:
//   node --experimental-wasm-relaxed-simd tooling/bench/src/ast-step.mjs [--distill] [--steps N] [--threads N]
// Random GPT-2 124M-shaped weights (the teacher a copy), 2×1024 tokens a step, the wasm backend's default path.
// One fresh run of 2 + N steps, as a prune makes: the trainer syncs every step (log.every 1), so each step event
// times one step. The first two steps grow wasm memory and fault in pages (about 3M faults here); the steady step
// is the median of the other N. (Differences of several runs in one process measured later runs, which inherit
// the first run's fragmented wasm memory and spill more tensors to host arrays than a prune does.)
// Needs the packages' dist builds (`npx turbo run build`); a few minutes.
import { readFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { createWasmBackend } from "@adaptive-sparse/backend-wasm";
import { Generator, cast, groupTopK, keep, ne, noGrad, setDefaultBackend, sum, tidy } from "@adaptive-sparse/core";
import { createWindowSampler } from "@adaptive-sparse/data";
import { GPT, sparsify } from "@adaptive-sparse/nn";
import { train } from "@adaptive-sparse/trainer";
import { GPT2_124M } from "./gpt-setups.mjs";
import { describeCaches, describeMachine } from "./machine.mjs";

const { values } = parseArgs({ options: { distill: { type: "boolean", default: false }, steps: { type: "string", default: "4" }, threads: { type: "string" } } });
const extra = Number(values.steps);
if (!Number.isInteger(extra) || extra < 1) throw new Error(`ast-step: --steps is "${values.steps}"; use a whole number >= 1`);
const threads = values.threads ? Number(values.threads) : (os.availableParallelism?.() ?? os.cpus().length);
const backend = await createWasmBackend({ threads });
setDefaultBackend(backend);
const machine = describeMachine();
console.log(`Processor: ${machine.cpu}; ${describeCaches(machine.caches)}`);
console.log(`AST step of GPT-2 124M at 2×1024${values.distill ? " with distillation (teacher forward, 0.33·CE + 0.67·KL)" : ""}, ${backend.gemmPath} GEMM, ${backend.threads} threads\n`);

// The student starts as the teacher's copy (with distillation) or from a seed (without one).
const teacher = values.distill ? new GPT(GPT2_124M, { generator: new Generator(0) }) : null;
const student = new GPT(GPT2_124M, teacher ? { init: false } : { generator: new Generator(0) });
if (teacher) student.loadStateDict(teacher.stateDict());
const tokens = Uint16Array.from({ length: 1 << 18 }, (_, i) => (i * 7919 + (i >> 5)) % GPT2_124M.vocabSize);
const stepSeconds = [];
let last = performance.now();
const runStart = last;
await train({
  config: {
    method: "ast", steps: 2 + extra, refresh: { every: 10 }, distill: teacher ? {} : null, log: { every: 1 },
    lr: { options: { max: 2e-4, min: 2e-5, warmupSteps: 0 } }, decay: { options: { max: 1e-4, rampSteps: 1 } },
  },
  student, teacher,
  data: { train: createWindowSampler(tokens, { blockSize: 1024, batchSize: 2, seed: 1 }), validation: {} },
  onEvent: (event) => {
    if (event.type !== "step") return;
    const now = performance.now();
    stepSeconds.push((now - last) / 1000);
    last = now;
  },
});
const total = (performance.now() - runStart) / 1000;
const steady = stepSeconds.slice(2).sort((a, b) => a - b);
const median = steady[steady.length >> 1];
const peakMiB = Number(readFileSync("/proc/self/status", "utf8").match(/VmHWM:\s+(\d+)/)[1]) / 1024;
console.log(`a run of ${2 + extra} steps: ${total.toFixed(1)} s; steps ${stepSeconds.map((s) => s.toFixed(2)).join(", ")} s`);
console.log(`steady step (median of the last ${extra}): ${median.toFixed(2)} s (${(2048 / median).toFixed(0)} tokens/s); peak ${peakMiB.toFixed(0)} MiB resident`);
for (const p of student.parameters()) p.dispose();

// A refresh (every Δt steps, 10 by default): |W|, its 2:4 selection and the two flip counts of every sparse layer.
const model = new GPT(GPT2_124M, { generator: new Generator(1) });
const layers = sparsify(model).map((entry) => entry.layer);
const previous = layers.map((layer) => keep(noGrad(() => groupTopK(layer.weight.mul(1.01).abs(), 2, 4))));
const refresh = () => noGrad(() => tidy(() => {
  for (const [i, layer] of layers.entries()) {
    const mask = groupTopK(layer.weight.abs(), 2, 4);
    for (const other of [previous[i], layer.mask]) sum(cast(ne(other, mask), "i32")).dataSync();
  }
}));
refresh();
const times = [];
for (let r = 0; r < 3; r++) {
  const start = performance.now();
  refresh();
  times.push(performance.now() - start);
}
console.log(`mask refresh of the ${layers.length} sparse layers (|W|, 2:4, two flip counts each): ${Math.min(...times).toFixed(0)} ms`);
process.exit(0);
