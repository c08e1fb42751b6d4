/* global performance */
// The AST step that pruning GPT-2 124M on the CPU repeats, through the trainer itself (masks, straight-through
// weights, λ-decayed AdamW, and with --distill the teacher's forward and the KL loss), and a mask refresh's cost:
//   node --experimental-wasm-relaxed-simd tooling/bench/src/ast-step.mjs [--distill] [--steps N] [--threads N]
// Random GPT-2 124M-shaped weights (the teacher a copy), 2×1024 tokens a step, the wasm backend's default path.
// The trainer reports steps in batches, so the step time is the difference of two warm runs (2 and 2 + N steps)
// in one process; a first, 1-step run grows wasm memory and fills the buffer pools (about 3M page faults here).
// Needs the packages' dist builds (`npx turbo run build`); a few minutes.
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

const teacher = values.distill ? new GPT(GPT2_124M, { generator: new Generator(0) }) : null;
const tokens = Uint16Array.from({ length: 1 << 18 }, (_, i) => (i * 7919 + (i >> 5)) % GPT2_124M.vocabSize);

/** Wall seconds, minor page faults and system CPU seconds of a fresh AST run of `steps` steps. */
async function run(steps) {
  // The student starts as the teacher's copy (with distillation) or from the same seed (without one).
  const student = new GPT(GPT2_124M, teacher ? { init: false } : { generator: new Generator(0) });
  if (teacher) student.loadStateDict(teacher.stateDict());
  const before = process.resourceUsage();
  const start = performance.now();
  await train({
    config: {
      method: "ast", steps, refresh: { every: 10 }, distill: teacher ? {} : null,
      lr: { options: { max: 2e-4, min: 2e-5, warmupSteps: 0 } }, decay: { options: { max: 1e-4, rampSteps: 1 } },
    },
    student, teacher,
    data: { train: createWindowSampler(tokens, { blockSize: 1024, batchSize: 2, seed: 1 }), validation: {} },
  });
  const seconds = (performance.now() - start) / 1000;
  const after = process.resourceUsage();
  for (const p of student.parameters()) p.dispose();
  return { seconds, faults: after.minorPageFault - before.minorPageFault, sys: (after.systemCPUTime - before.systemCPUTime) / 1e6 };
}

await run(1);
const short = await run(2);
const long = await run(2 + extra);
const per = (key) => (long[key] - short[key]) / extra;
console.log(`runs of 2 and ${2 + extra} steps: ${short.seconds.toFixed(1)} s and ${long.seconds.toFixed(1)} s`);
console.log(`step: ${per("seconds").toFixed(2)} s (${(2048 / per("seconds")).toFixed(0)} tokens/s), ${per("faults").toFixed(0)} page faults, ${per("sys").toFixed(2)} s system time`);

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
