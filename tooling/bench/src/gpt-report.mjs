// GPT and GPU-backend results: per-row summaries, markdown tables, targets. Pure functions of the record,
// so bench.test.mjs checks them on synthetic numbers.
import { median } from "./measure.mjs";
import { fmt, table } from "./report.mjs";

/** Medians and rates of one implementation's GPT measurement ({ stepMs[], forwardMs[], losses[], peakMiB }). */
export function summarizeGpt(setup, { stepMs, forwardMs, losses, peakMiB }) {
  const medianStepMs = median(stepMs);
  const medianForwardMs = median(forwardMs);
  return {
    medianStepMs,
    tokensPerS: (setup.batch * setup.seq * 1000) / medianStepMs,
    medianForwardMs,
    forwardTokensPerS: (setup.forwardBatch * setup.seq * 1000) / medianForwardMs,
    firstLoss: losses[0],
    lastLoss: losses.at(-1),
    peakMiB,
  };
}

/**
 * One row from an implementation's rounds: the step figures of its fastest-step round, the forward figures
 * of its fastest-forward round, and the largest peak memory of any round. `rounds` keeps each round's medians.
 */
export function combineRounds(list) {
  const fastest = (key) => list.reduce((best, row) => (row[key] < best[key] ? row : best));
  const step = fastest("medianStepMs");
  const forward = fastest("medianForwardMs");
  return {
    ...step,
    medianForwardMs: forward.medianForwardMs,
    forwardTokensPerS: forward.forwardTokensPerS,
    forwardMs: forward.forwardMs,
    peakMiB: Math.max(...list.map((row) => row.peakMiB)),
    rounds: list.map((row) => ({ medianStepMs: row.medianStepMs, medianForwardMs: row.medianForwardMs, peakMiB: row.peakMiB })),
  };
}

/** One line saying what a GPT setup measures. */
export function describeSetup(setup, rounds = 1) {
  const c = setup.config;
  return (
    `GPT nLayer ${c.nLayer}, nHead ${c.nHead}, nEmbd ${c.nEmbd}, blockSize ${c.blockSize}, vocab ${c.vocabSize} (tied head, GELU tanh, fp32); ` +
    `training step at ${setup.batch}×${setup.seq} with AdamW (lr ${setup.optimizer.lr}, betas ${setup.optimizer.betas.join("/")}, wd ${setup.optimizer.weightDecay}), ` +
    `forward at ${setup.forwardBatch}×${setup.seq}; medians of ${setup.steps} steps and ${setup.forwardSteps} forwards after ${setup.warmup} warm-ups each` +
    (rounds > 1 ? `, best of ${rounds} rounds (peak memory: the largest)` : "")
  );
}

const finite = (value) => typeof value === "number" && Number.isFinite(value);
const lossCell = (value) => (finite(value) ? fmt(value, 3) : "not finite");
const reference = (run) => run.rows.find((row) => row.role === "reference");
const ratio = (value, base) => (value && base ? `${fmt(value / base, 2)}×` : "—");

/** Tokens/s, ms/step, forward tokens/s, peak MiB and the ratios to PyTorch (speed: higher is faster; memory: lower is smaller). */
export function gptTable(run) {
  const torch = reference(run);
  const rows = run.rows.map((row) => [
    row.impl,
    fmt(row.tokensPerS, 0),
    fmt(row.medianStepMs, 0),
    fmt(row.forwardTokensPerS, 0),
    fmt(row.peakMiB, 0),
    `${lossCell(row.firstLoss)} → ${lossCell(row.lastLoss)}`,
    ratio(row.tokensPerS, torch?.tokensPerS),
    ratio(row.forwardTokensPerS, torch?.forwardTokensPerS),
    ratio(row.peakMiB, torch?.peakMiB),
  ]);
  return table(["implementation", "train tokens/s", "ms/step", "forward tokens/s", "peak MiB", "loss first → last", "step ÷ PyTorch", "forward ÷ PyTorch", "peak MiB ÷ PyTorch"], rows);
}

/**
 * Rows whose losses show a broken computation (their timings then mean little): a loss that is not finite
 * (JSON turns NaN into null), or a first loss far from ln(vocab), where an untrained GPT with N(0, 0.02²)
 * weights starts. Returns one sentence per problem.
 */
export function lossProblems(run) {
  return run.rows.flatMap((row) => rowLossProblems(run.setup, row).map((problem) => `${row.impl}: ${problem}`));
}

function rowLossProblems(setup, row) {
  const expected = Math.log(setup.config.vocabSize);
  const problems = [];
  const bad = row.losses.findIndex((loss) => !finite(loss));
  if (bad >= 0) problems.push(`the loss is not finite from step ${bad + 1} on (warm-up steps included)`);
  if (finite(row.losses[0]) && Math.abs(row.losses[0] - expected) > 1) {
    problems.push(`the first loss is ${fmt(row.losses[0], 3)}, but an untrained model starts near ln(${setup.config.vocabSize}) = ${fmt(expected, 3)}`);
  }
  return problems;
}

/** GFLOP/s (and ms) per backend and shape of a tensor-API GEMM run. */
export function tensorGemmTable(run) {
  const label = ({ m, k, n }) => (m === k && k === n ? `${m}³` : `${m}×${k}×${n}`);
  const cell = (row, shape) => {
    const found = row.gemm.find((g) => g.m === shape.m && g.k === shape.k && g.n === shape.n);
    return found ? `${fmt(found.gflops, 2)} (${fmt(found.medianMs, 0)} ms)` : "—";
  };
  return table(["GFLOP/s (median ms)", ...run.shapes.map(label)], run.rows.map((row) => [row.impl, ...run.shapes.map((s) => cell(row, s))]));
}

/**
 * Issue 3's GPT targets: training step ≥ 0.5× PyTorch on the BLAS path, ≥ 0.2× on the wasm path; peak memory
 * ≤ 1.5× PyTorch's on each. Entries as in the Targets table ({ target, value, goal, op, met }).
 */
export function gptTargets(run) {
  const torch = reference(run);
  const list = [];
  if (!torch) return list;
  for (const row of run.rows.filter((r) => r.role === "ours" && r.backend?.kind === "wasm")) {
    // Issue 19's goals (issue 3 asked 0.5×, 0.2× and 1.5×): the step close to GEMM-bound on both paths.
    const stepGoal = row.backend.gemmPath === "blas" ? 0.9 : 0.5;
    const caveat = rowLossProblems(run.setup, row).length ? " (wrong losses: see the GPT section)" : "";
    list.push(target(`GPT training step, ${row.impl} ÷ PyTorch (tokens/s)${caveat}`, row.tokensPerS / torch.tokensPerS, stepGoal, "≥"));
    list.push(target(`GPT training peak memory, ${row.impl} ÷ PyTorch${caveat}`, row.peakMiB / torch.peakMiB, 1.3, "≤"));
  }
  return list;
}

/**
 * FLOPs of the matrix products in one training step of `config` at batch × seq tokens: per token the linears
 * (12·C² per layer), the tied head (V·C) and attention's two T×T products per layer (2·T·C), 2 FLOPs per
 * multiply-add; the backward pass does twice the forward's.
 */
export function gptStepGemmFlops(config, batch, seq) {
  const { nLayer, nEmbd, vocabSize } = config;
  const perToken = 2 * (12 * nEmbd * nEmbd * nLayer + vocabSize * nEmbd + 2 * seq * nEmbd * nLayer);
  return 3 * perToken * batch * seq;
}

/**
 * How fast the wasm-GEMM path's step can be at most: the step's matrix products at the best rate any of our
 * wasm GEMM rows reached in this run's GEMM section, everything else free, as a ratio to PyTorch's step.
 * @param gemmResults the GEMM section's records ({ impl, shape, gflops })
 * @returns { gflop, gemm: { impl, shape, gflops }, ms, torchMs, ratio } or null without PyTorch or wasm GEMM rows
 */
export function wasmGemmBound(run, gemmResults) {
  const torch = reference(run);
  const best = gemmResults.filter((r) => r.impl.startsWith("ours wasm")).sort((a, b) => b.gflops - a.gflops)[0];
  if (!torch || !best) return null;
  const gflop = gptStepGemmFlops(run.setup.config, run.setup.batch, run.setup.seq) / 1e9;
  const ms = (gflop / best.gflops) * 1e3;
  const torchMs = (1e3 * run.setup.batch * run.setup.seq) / torch.tokensPerS;
  return { gflop, gemm: { impl: best.impl, shape: best.shape, gflops: best.gflops }, ms, torchMs, ratio: torchMs / ms };
}

/** The bound as a sentence for the report. */
export function describeWasmGemmBound(bound) {
  return (
    `The wasm GEMM path's ceiling: the step's matrix products are ${fmt(bound.gflop, 1)} GFLOP; at the best rate our wasm GEMM ` +
    `reached in the GEMM section (${fmt(bound.gemm.gflops, 1)} GFLOP/s, ${bound.gemm.impl}, ${bound.gemm.shape}) they alone take ` +
    `${fmt(bound.ms, 0)} ms, so with everything else free the step would run at ${fmt(bound.ratio, 2)}× PyTorch's (${fmt(bound.torchMs, 0)} ms).`
  );
}

/** A target entry; `met` is null when the value is unknown. */
export function target(name, value, goal, op = "≥") {
  const known = typeof value === "number" && Number.isFinite(value);
  return { target: name, value: known ? value : null, goal, op, met: known ? (op === "≥" ? value >= goal : value <= goal) : null };
}

/** The Targets table. */
export function targetsTable(list) {
  return table(["target", "measured", "goal", "status"], list.map((t) => [t.target, t.value === null ? "—" : `${fmt(t.value, 2)}×`, `${t.op ?? "≥"} ${t.goal}×`, t.met === null ? "n/a" : t.met ? "met" : "missed"]));
}
