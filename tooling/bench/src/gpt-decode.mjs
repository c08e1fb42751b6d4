// Whole-model decode of a GPT-2 124M-shaped model with random weights, greedy: ours dense and ours with the
// compressed 2:4 sparse layers (SparseLinear.setCompressed24), against PyTorch's dense decode of gpt_torch.py's
// equivalent model, in the same rounds. Two measures: `generate` itself with its KV cache (benchGenerate; the
// decode targets of issue 19), and one position per forward without a cache (the linears a decode step reads,
// with their weights' GB/s).
import { createWasmBackend } from "@adaptive-sparse/backend-wasm";
import { Generator, noGrad, setDefaultBackend, tensor, tidy } from "@adaptive-sparse/core";
import { compress24 } from "@adaptive-sparse/io";
import { GPT, sparsify } from "@adaptive-sparse/nn";
import { GPT2_124M } from "./gpt-setups.mjs";
import { measureInterleaved } from "./measure.mjs";

/** GPT-2 small (124M parameters; defined in gpt-setups.mjs): its sparse layers are 85M of them, 340 MB in f32. */
export { GPT2_124M };

/** The 2:4 mask the bench uses: 2 kept of every 4 along a row, the pair cycling through all 6 choices. */
export function mask24(rows, cols) {
  const pairs = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];
  const mask = new Uint8Array(rows * cols);
  for (let g = 0; g < (rows * cols) / 4; g++) for (const p of pairs[(g * 7 + (g >> 3)) % 6]) mask[g * 4 + p] = 1;
  return mask;
}

/** Index of the largest value (the first on ties). */
export function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * Builds, on a fresh wasm backend (the default GEMM path), the dense model and its twin (same seed) whose
 * sparse layers are pruned to the 2:4 mask and carry their compressed weights. Both in eval mode (sparsify
 * puts in new modules, so eval() comes after it). One backend for all rows: a decode's matrix-vector products
 * run on the wasm GEMV on either GEMM path (the BLAS path sends them there too), and a second backend's
 * workers, spinning after its kernels, would share the cores with this one's.
 */
async function buildModels(config, threads) {
  const backend = await createWasmBackend({ threads });
  setDefaultBackend(backend);
  const dense = new GPT(config, { generator: new Generator(0) });
  dense.eval();
  const sparse = new GPT(config, { generator: new Generator(0) });
  const { layers, compressed } = compressTwin(sparse);
  const count = (list) => list.reduce((sum, p) => sum + p.size, 0);
  return { backend, dense, sparse, layers, compressed, parameters: count(dense.parameters()), sparseParameters: count(layers.map((l) => l.weight)) };
}

/**
 * Makes `model` (on the default backend) the 2:4 twin: its prunable layers become SparseLinear layers pruned
 * to mask24 (so its forward is the dense-with-zeros model), and each gets its compressed weight, which
 * `layer.setCompressed24` switches on. Eval mode (sparsify puts in new modules, so eval() comes after it).
 * @returns { layers, compressed: [{ values, indices }] } (the caller disposes the compressed tensors)
 */
export function compressTwin(model) {
  const layers = sparsify(model).map((entry) => entry.layer);
  model.eval();
  const compressed = [];
  for (const layer of layers) {
    const [rows, cols] = [layer.outFeatures, layer.inFeatures];
    const mask = tensor(mask24(rows, cols), { shape: [rows, cols], dtype: "u8" });
    layer.setMask(mask);
    mask.dispose();
    layer.applyMask();
    const { values, indices } = compress24(layer.weight.dataSync(), rows, cols);
    compressed.push({ values: tensor(values, { shape: [rows, cols / 2] }), indices: tensor(indices, { dtype: "u8" }) });
  }
  return { layers, compressed };
}

/** How the rows name a backend's kernels: its SIMD build, and its dense products' path. */
function kernelNames(backend) {
  const simd = backend.relaxedSimd ? "wasm relaxed SIMD" : "wasm";
  return { simd, path: backend.gemmPath === "blas" ? `BLAS GEMM, ${simd} kernels` : `${simd} GEMM` };
}

/** Prompt length and new tokens of the `generate` rows (shorter for a model with a small blockSize). */
export function generateShape(blockSize) {
  const prompt = Math.min(32, Math.floor(blockSize / 2));
  return { prompt, tokens: Math.min(64, blockSize - prompt) };
}

/**
 * `generate` itself, greedy, with its KV cache (the prompt in one forward, then one position per token):
 * ours dense, ours 2:4 (the twin, compressed), and PyTorch's twin model generating the same way, interleaved.
 * Each is timed generating 1 token (the prompt's forward: the time to the first token) and `tokens`; the
 * decode rate is the other tokens over the difference. `torchJob(prompt, tokens)` is the PyTorch job's
 * request ({ kind: "gpt-generate", ... } for GPT).
 * @returns { prompt, tokens, rows: [{ impl, firstMs, totalMs, decodeTokensPerS }] }
 */
export async function benchGenerate({ config, backend, dense, sparse, torch, torchJob, minSamples }) {
  const { simd, path } = kernelNames(backend);
  const shape = generateShape(config.blockSize);
  const promptIds = Array.from({ length: shape.prompt }, (_, i) => (i * 97 + 1) % config.vocabSize);
  const prompt = tensor([promptIds], { dtype: "i32", backend });
  const generateOn = (model, tokens) => async () => (await model.generate(prompt, tokens, { temperature: 0 })).dispose();
  const impls = [
    { impl: `ours dense (${path}, ${backend.threads} threads)`, first: generateOn(dense, 1), total: generateOn(dense, shape.tokens) },
    { impl: `ours 2:4 compressed sparse layers (${simd} 2:4 kernel, ${backend.threads} threads)`, first: generateOn(sparse, 1), total: generateOn(sparse, shape.tokens) },
  ];
  const jobs = [];
  if (torch) {
    const job = (tokens) => torch.prepare(torchJob(promptIds, tokens));
    jobs.push(await job(1), await job(shape.tokens));
    impls.push({ impl: `PyTorch CPU (${torch.threads} threads), dense`, first: jobs[0].run, total: jobs[1].run });
  }
  try {
    const timings = await measureInterleaved(impls.flatMap((i) => [i.first, i.total]), { warmup: 1, minSamples, maxSamples: 9, minTimeMs: 300 });
    const rows = impls.map((i, n) => {
      const [firstMs, totalMs] = [timings[2 * n].medianMs, timings[2 * n + 1].medianMs];
      return { impl: i.impl, firstMs, totalMs, decodeTokensPerS: ((shape.tokens - 1) * 1000) / Math.max(totalMs - firstMs, 1e-9) };
    });
    return { ...shape, rows };
  } finally {
    for (const job of jobs) await job.dispose();
    prompt.dispose();
  }
}

/**
 * Tokens per sample of the one-position rows. The first forward after the other model's costs about 4 ms more
 * (JS outside the kernels 1.6 ms, the small kernels twice their time; measured alternating the two models one
 * token at a time against eight), so 2 tokens a sample made both rows slow and the ratio noisy.
 */
const ONE_POSITION_TOKENS = 8;

/**
 * Times `tokensPerRun` greedy tokens per sample: ours dense (a plain GPT),
 * ours 2:4 (its twin) and PyTorch's dense (`torch`, startTorch's peer, or null), interleaved. Also checks that the 2:4 path computes the dense-with-zeros model: the first
 * token's logits of both, max |difference| (summation order differs between the kernels, so not exactly 0).
 * Then `generate` itself with its KV cache (benchGenerate).
 * @returns { config, tokensPerRun, parameters, sparseParameters, gemmPath, maxLogitDiff, rows: [{ impl, medianMs, tokensPerS, ... }],
 *   generate: { prompt, tokens, rows } }
 */
export async function benchGptDecode({ config = GPT2_124M, threads, torch, tokensPerRun = ONE_POSITION_TOKENS, minSamples = 5 }) {
  const { backend, dense, sparse, layers, compressed, parameters, sparseParameters } = await buildModels(config, threads);
  const useCompressed = (on) => layers.forEach((layer, i) => layer.setCompressed24(on ? compressed[i] : null));
  const last = new Map();
  const token = async (model, on = backend) => {
    const idx = tensor([last.get(model) ?? 0], { shape: [1, 1], dtype: "i32", backend: on });
    const logits = noGrad(() => tidy(() => model.call(idx).logits));
    const values = await logits.data();
    logits.dispose();
    idx.dispose();
    last.set(model, argmax(values));
    return values;
  };
  const decode = (model, on) => async () => {
    for (let i = 0; i < tokensPerRun; i++) await token(model, on);
  };
  try {
    // The 2:4 path against the same model's dense-with-zeros path (SparseLinear's masked product).
    const masked = Float32Array.from(await token(sparse));
    useCompressed(true);
    last.clear();
    const viaKernel = await token(sparse);
    last.clear();
    const maxLogitDiff = masked.reduce((max, v, i) => Math.max(max, Math.abs(v - viaKernel[i])), 0);
    const { simd, path } = kernelNames(backend);
    const runs = [
      { impl: `ours dense (${path}, ${backend.threads} threads)`, run: decode(dense) },
      { impl: `ours 2:4 compressed sparse layers (${simd} 2:4 kernel, ${backend.threads} threads)`, run: decode(sparse) },
    ];
    const torchJob = torch ? await torch.prepare({ kind: "gpt-decode", config, tokens: tokensPerRun }) : null;
    if (torchJob) runs.push({ impl: `PyTorch CPU (${torch.threads} threads), dense`, run: torchJob.run });
    const timings = await measureInterleaved(runs.map((r) => r.run), { warmup: 1, minSamples, maxSamples: 9, minTimeMs: 300 });
    await torchJob?.dispose();
    const rows = runs.map((r, i) => ({ impl: r.impl, ...timings[i], tokensPerS: (tokensPerRun * 1000) / timings[i].medianMs }));
    const generateJob = (prompt, tokens) => ({ kind: "gpt-generate", config, prompt, tokens });
    const generated = await benchGenerate({ config, backend, dense, sparse, torch, torchJob: generateJob, minSamples });
    return { config, tokensPerRun, parameters, sparseParameters, gemmPath: backend.gemmPath, maxLogitDiff, rows, generate: generated };
  } finally {
    useCompressed(false);
    for (const c of compressed) {
      c.values.dispose();
      c.indices.dispose();
    }
    dense.dispose();
    sparse.dispose();
    backend.dispose();
  }
}
