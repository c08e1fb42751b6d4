// Per-token time of greedy decoding with the KV cache (what `generate` does after the prompt) for a GPT-2
// 124M-shaped model after a prompt of a chosen length, and where that time goes, kernel by kernel:
//   node --experimental-wasm-relaxed-simd tooling/bench/src/decode-profile.mjs [--sparse] [--prompt 900] [--tokens 32]
// --sparse: the 2:4 twin on the compressed kernel (gpt-decode.mjs's compressTwin). A long prompt shows what the
// cache costs per token (its attention reads every cached position). Needs the packages' dist builds.
import { parseArgs } from "node:util";
import { createWasmBackend } from "@adaptive-sparse/backend-wasm";
import { Generator, noGrad, setDefaultBackend, tensor, tidy } from "@adaptive-sparse/core";
import { GPT } from "@adaptive-sparse/nn";
import { argmax, compressTwin, GPT2_124M } from "./gpt-decode.mjs";
import { profileKernels } from "./kernel-profile.mjs";
import { describeCaches, describeMachine } from "./machine.mjs";

const { values } = parseArgs({ options: { sparse: { type: "boolean", default: false }, prompt: { type: "string", default: "32" }, tokens: { type: "string", default: "32" } } });
const [prompt, tokens] = [Number(values.prompt), Number(values.tokens)];
if (!(Number.isInteger(prompt) && prompt >= 1 && Number.isInteger(tokens) && tokens >= 1 && prompt + tokens <= GPT2_124M.blockSize)) {
  throw new Error(`decode-profile: --prompt ${values.prompt} and --tokens ${values.tokens} must be whole numbers (tokens ≥ 1) with prompt + tokens ≤ ${GPT2_124M.blockSize}`);
}
const backend = await createWasmBackend({});
setDefaultBackend(backend);
const model = new GPT(GPT2_124M, { generator: new Generator(0) });
if (values.sparse) {
  const { layers, compressed } = compressTwin(model);
  layers.forEach((layer, i) => layer.setCompressed24(compressed[i]));
} else model.eval();
const ids = Array.from({ length: prompt }, (_, i) => (i * 97 + 1) % GPT2_124M.vocabSize);

/**
 * Greedy decoding as `generate` does it: the prompt's forward into a fresh cache, then `count` one-token
 * forwards, each read back; `around` runs the one-token loop (the profiler's record, or as it is).
 */
async function decode(count, around = (loop) => loop()) {
  const cache = model.createCache();
  const step = async (fed) => {
    const logits = noGrad(() => tidy(() => model.forwardCached(tensor([fed], { dtype: "i32" }), cache)));
    const values = await logits.data();
    logits.dispose();
    return argmax(values);
  };
  let next = await step(ids);
  const result = await around(async () => {
    for (let i = 0; i < count; i++) next = await step([next]);
  });
  cache.dispose();
  return result;
}
await decode(4); // warm-up: wasm memory, the GEMV's prepared weights, the attention masks

const profiler = profileKernels(backend);
const profile = await decode(tokens, (loop) => profiler.record(loop));
profiler.restore();
const perToken = profile.spanMs / tokens;
const rows = [...profile.ops].map(([op, { ms, calls }]) => ({ op, ms: ms / tokens, calls: calls / tokens })).sort((a, b) => b.ms - a.ms);
const kernelMs = rows.reduce((sum, row) => sum + row.ms, 0);
const machine = describeMachine();
console.log(`${machine.cpu}, ${describeCaches(machine.caches)}; ${backend.gemmPath} GEMM path, ${backend.threads} threads`);
console.log(`GPT-2 124M-shaped, ${values.sparse ? "2:4 compressed sparse layers" : "dense"}, ${prompt}-token prompt: ${perToken.toFixed(2)} ms a decoded token (${(1000 / perToken).toFixed(1)} tokens/s), ${kernelMs.toFixed(2)} ms of it in kernels\n`);
console.log("| op | ms/token | calls/token |\n| --- | ---: | ---: |");
for (const row of rows.slice(0, 12)) console.log(`| ${row.op} | ${row.ms.toFixed(3)} | ${row.calls.toFixed(0)} |`);
console.log(`| outside kernels | ${(perToken - kernelMs).toFixed(3)} | — |`);
model.dispose();
backend.dispose?.();
