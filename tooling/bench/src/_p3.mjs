import { createWasmBackend } from "@adaptive-sparse/backend-wasm";
import { measureGpt } from "./gpt-measure.mjs";
import { GPT_SETUP } from "./gpt-setups.mjs";
const backend = await createWasmBackend({ gemm: "blas", threads: 2 });
const stats = new Map();
let on = false;
for (const [name, kernel] of Object.entries(backend.kernels)) {
  backend.kernels[name] = (out, inputs, attrs) => { if (!on) return kernel(out, inputs, attrs); const f = process.resourceUsage().minorPageFault; const t = performance.now(); try { return kernel(out, inputs, attrs); } finally { const v = stats.get(name) ?? [0, 0, 0]; v[0] += process.resourceUsage().minorPageFault - f; v[1] += performance.now() - t; v[2]++; stats.set(name, v); } };
}
await measureGpt(backend, { ...GPT_SETUP, warmup: 2, steps: 0, forwardSteps: 0 });
on = true;
const f0 = process.resourceUsage().minorPageFault;
const r = await measureGpt(backend, { ...GPT_SETUP, warmup: 0, steps: 3, forwardSteps: 0 });
const S = 3;
const tot = [...stats.values()].reduce((a, v) => a + v[1], 0) / S;
console.log("steps", r.stepMs.map((x) => x.toFixed(0)).join(" "), "faults/step", ((process.resourceUsage().minorPageFault - f0) / S).toFixed(0), "kernel ms/step", tot.toFixed(0));
for (const [k, [f, t, c]] of [...stats].sort((a, b) => b[1][1] - a[1][1]).slice(0, 16)) console.log(k.padEnd(18), (t / S).toFixed(1).padStart(7), "ms/step", (f / S).toFixed(0).padStart(7), "faults/step", String(c / S).padStart(5), "calls");
process.exit(0);
