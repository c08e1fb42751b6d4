// Markdown and targets for the decode rows that model a real model: the GEMV over a weight rotation larger
// than the last-level cache (gemv-rotation.mjs), the GPT-2 124M-shaped decode (gpt-decode.mjs) and the LLaMA-
// and OPT-shaped generate rows (family-decode.mjs).
import { target } from "./gpt-report.mjs";
import { fmt, table } from "./report.mjs";

const MiB = 1024 ** 2;
const find = (rows, pattern) => rows.find((r) => pattern.test(r.impl));

/** The rotation's table: ms per call, GB/s of weight read, and each row's ratio to our dense and to PyTorch's. */
export function rotationTable(run) {
  const { plan, n, k } = run;
  const dense = find(run.rows, /^ours wasm.*dense$/);
  const torch = find(run.rows, /^PyTorch/);
  const bytes = (row) => (/2:4$/.test(row.impl) ? plan.sparseBytes : plan.denseBytes) / plan.count;
  const rows = run.rows.map((row) => [
    row.impl,
    fmt(row.medianMs, 2),
    fmt(bytes(row) / (row.medianMs * 1e6), 1),
    fmt((2 * n * k) / (row.medianMs * 1e6), 1),
    dense ? `${fmt(dense.medianMs / row.medianMs, 2)}×` : "—",
    torch ? `${fmt(torch.medianMs / row.medianMs, 2)}×` : "—",
  ]);
  const header = ["implementation", "ms per call", "weight GB/s", "dense-equivalent GFLOP/s", "speed ÷ our wasm dense", "speed ÷ PyTorch dense mv"];
  const about =
    `${plan.count} distinct ${n}×${k} weights, one per call in turn: ${fmt(plan.denseBytes / MiB, 0)} MiB dense, ${fmt(plan.sparseBytes / MiB, 0)} MiB as 2:4, ` +
    `against a last-level cache of ${fmt(plan.llcBytes / MiB, 0)} MiB${plan.assumedLlc ? " (assumed: sysfs did not say)" : ""}` +
    `${plan.capped ? "; capped by the wasm memory the rotation may hold, so the 2:4 rotation is under twice the cache" : ""}.`;
  return `${about}\n\n${table(header, rows)}`;
}

/** The in-cache GEMV table: dense and 2:4 ms per call on each of our wasm engines, with PyTorch's mv of the same weight. */
export function inCacheTable(rows, llcBytes) {
  const n = rows[0].n;
  const about = `W ${n}×${n}: ${fmt((4 * n * n) / MiB, 0)} MiB dense, ${fmt((2.125 * n * n) / MiB, 1)} MiB as 2:4, against a last-level cache of ${llcBytes ? `${fmt(llcBytes / MiB, 0)} MiB` : "(unknown, 32 MiB assumed)"}; kernel table, interleaved rounds, ${rows[0].kernelDense.burst ?? 1} calls back to back per sample (ms per call).`;
  const body = rows.map((row) => [
    row.impl,
    fmt(row.kernelDense.medianMs, 3),
    fmt(row.kernelSparse.medianMs, 3),
    `${fmt(row.kernelDense.medianMs / row.kernelSparse.medianMs, 2)}×`,
    row.torchDense ? fmt(row.torchDense.medianMs, 3) : "—",
    row.torchDense ? `${fmt(row.torchDense.medianMs / row.kernelSparse.medianMs, 2)}×` : "—",
  ]);
  return `${about}\n\n${table(["implementation", "dense ms", "2:4 ms", "2:4 speed-up", "PyTorch dense mv ms", "PyTorch mv ÷ 2:4"], body)}`;
}

/** Issue 19: the 2:4 GEMV ≥ 1.6× our dense also with the weight in cache, on every engine. */
export function inCacheTargets(rows) {
  return rows.map((row) => target(`2:4 GEMV ÷ dense GEMV ${row.n}², ${row.impl}, weight in the last-level cache`, row.kernelDense.medianMs / row.kernelSparse.medianMs, 1.6, "≥"));
}

/** The whole-model decode table: tokens/s and the ratios to our dense and to PyTorch's dense decode. */
export function decodeTable(run) {
  const dense = find(run.rows, /^ours dense/);
  const torch = find(run.rows, /^PyTorch/);
  const bytes = decodeBytes(run);
  const rows = run.rows.map((row) => {
    const msPerToken = row.medianMs / run.tokensPerRun;
    const read = /2:4/.test(row.impl) ? bytes.sparse : bytes.dense;
    return [
      row.impl,
      fmt(row.tokensPerS, 1),
      fmt(msPerToken, 1),
      fmt(read / msPerToken / 1e6, 1),
      dense ? `${fmt(row.tokensPerS / dense.tokensPerS, 2)}×` : "—",
      torch ? `${fmt(row.tokensPerS / torch.tokensPerS, 2)}×` : "—",
    ];
  });
  const c = run.config;
  const about =
    `nLayer ${c.nLayer}, nHead ${c.nHead}, nEmbd ${c.nEmbd}, vocab ${c.vocabSize} (${fmt(run.parameters / 1e6, 1)}M parameters, ${fmt(run.sparseParameters / 1e6, 1)}M in the 2:4 layers), ` +
    `random weights, greedy, one position per forward (a KV-cached decode's linears; the cache's attention is not modelled on either side), ` +
    `${run.tokensPerRun} tokens per sample. The 2:4 model's logits differ from its dense-with-zeros forward by at most ${run.maxLogitDiff.toExponential(1)}.`;
  const bound =
    `Weights read per token: dense ${fmt(bytes.dense / 1e6, 1)} MB, 2:4 ${fmt(bytes.sparse / 1e6, 1)} MB (the tied LM head, ${fmt(bytes.head / 1e6, 1)} MB, is dense in both), ` +
    `so at one memory bandwidth the 2:4 decode runs at most ${fmt(bytes.dense / bytes.sparse, 2)}× the dense one; a larger ratio means the dense row reads its weights more slowly (GB/s column).`;
  return `${about}\n\n${table(["implementation", "tokens/s", "ms/token", "weights GB/s", "÷ our dense", "÷ PyTorch dense"], rows)}\n\n${bound}`;
}

/**
 * The `generate` rows (decode's `generate` field): the time to the first token (the prompt's forward) and
 * the decode rate after it, each rate with its ratio to our dense and to PyTorch's.
 */
export function generateTable(run) {
  const { prompt, tokens, rows } = run.generate;
  const dense = find(rows, /^ours dense/);
  const torch = find(rows, /^PyTorch/);
  const body = rows.map((row) => [
    row.impl,
    fmt(row.firstMs, 1),
    fmt(row.decodeTokensPerS, 1),
    dense ? `${fmt(row.decodeTokensPerS / dense.decodeTokensPerS, 2)}×` : "—",
    torch ? `${fmt(row.decodeTokensPerS / torch.decodeTokensPerS, 2)}×` : "—",
  ]);
  const about =
    `\`generate\` itself, greedy, with a KV cache on both sides: a ${prompt}-token prompt in one forward, then one position per forward; ` +
    `timed generating 1 token (the first token's time: the prompt's forward, on the 2:4 side with each weight unpacked once for the GEMM) and ${tokens}, the decode rate being the other ${tokens - 1} over the difference.`;
  return `${about}\n\n${table(["implementation", "first token ms", "decode tokens/s", "decode ÷ our dense", "decode ÷ PyTorch dense"], body)}`;
}

/**
 * A family's `generate` rows (family-decode.mjs): its model, generateTable, and the ratio its weight bytes allow
 * the 2:4 decode at one memory bandwidth.
 */
export function familyTable(run) {
  const { bytes } = run;
  const shape = Object.entries(run.config).map(([key, value]) => `${key} ${value}`).join(", ");
  const about =
    `${shape} (${fmt(run.parameters / 1e6, 1)}M parameters, ${fmt(run.sparseParameters / 1e6, 1)}M in the 2:4 layers), random weights. ` +
    `The 2:4 model's logits differ from its dense-with-zeros forward by at most ${run.maxLogitDiff.toExponential(1)}.`;
  const bound =
    `Weights read per token: dense ${fmt(bytes.dense / 1e6, 1)} MB, 2:4 ${fmt(bytes.sparse / 1e6, 1)} MB, so at one memory bandwidth the 2:4 ` +
    `linears run at most ${fmt(bytes.dense / bytes.sparse, 2)}× the dense ones; attention over the cache and the other kernels take the same time on both sides.`;
  return `${about}\n\n${generateTable(run)}\n\n${bound}`;
}

/**
 * Bytes of weights one decoded token reads: every parameter but the position table (one row of it is read),
 * f32; the 2:4 model reads its sparse layers compressed (half the values plus one position byte per 8
 * columns: 2.125 bytes per weight) and the rest as the dense one. The tied head is the token embedding.
 */
export function decodeBytes(run) {
  const { nEmbd, blockSize, vocabSize } = run.config;
  const dense = 4 * (run.parameters - blockSize * nEmbd);
  return { dense, sparse: dense - 4 * run.sparseParameters + 2.125 * run.sparseParameters, head: 4 * vocabSize * nEmbd };
}

/**
 * Issue 19's decode targets: the 2:4 GEMV from memory ≥ 1.8× our dense; the whole model's decode (tokens/s of
 * `generate`, the issue's measure) ≥ 1.5× our dense decode and ≥ 1.2× PyTorch's.
 */
export function decodeTargets(rotation, decode) {
  const list = [];
  if (rotation) {
    const dense = find(rotation.rows, /^ours wasm.*dense$/);
    const sparse = find(rotation.rows, /2:4$/);
    if (dense && sparse) list.push(target(`2:4 GEMV ÷ dense GEMV ${rotation.n}×${rotation.k}, ${sparse.impl.replace(/, 2:4$/, "")}, weights from memory`, dense.medianMs / sparse.medianMs, 1.8, "≥"));
  }
  const rows = decode?.generate?.rows;
  if (rows) {
    const dense = find(rows, /^ours dense/);
    const sparse = find(rows, /^ours 2:4/);
    const torch = find(rows, /^PyTorch/);
    if (dense && sparse) list.push(target("GPT-2 124M generate decode, ours 2:4 ÷ our dense (tokens/s)", sparse.decodeTokensPerS / dense.decodeTokensPerS, 1.5, "≥"));
    if (torch && sparse) list.push(target("GPT-2 124M generate decode, ours 2:4 ÷ PyTorch dense (tokens/s)", sparse.decodeTokensPerS / torch.decodeTokensPerS, 1.2, "≥"));
  }
  return list;
}
