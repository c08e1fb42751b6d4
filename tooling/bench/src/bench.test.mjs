/* global performance */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lastErrorLine, parseChildOutput, PYTHON, runBackendChild, runTorchScript, RESULT_MARK, torchImportable } from "./children.mjs";
import { deviceLabel, implName } from "./gpt.mjs";
import { combineRounds, describeWasmGemmBound, gptStepGemmFlops, gptTable, gptTargets, lossProblems, summarizeGpt, target, targetsTable, tensorGemmTable, wasmGemmBound } from "./gpt-report.mjs";
import { onnxMatMulModel } from "./onnx-matmul.mjs";
import { measureInterleaved, median } from "./measure.mjs";
import { gemmTables } from "./report.mjs";
import { describeTorchBlas, startTorch } from "./torch.mjs";

describe("bench helpers", () => {
  it("writes an ONNX MatMul model that onnxruntime-node loads and runs", async () => {
    const ort = await import("onnxruntime-node");
    const session = await ort.InferenceSession.create(onnxMatMulModel(2, 3, 2), { intraOpNumThreads: 1 });
    const { C } = await session.run({
      A: new ort.Tensor("float32", Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]),
      B: new ort.Tensor("float32", Float32Array.from([7, 8, 9, 10, 11, 12]), [3, 2]),
    });
    expect(Array.from(C.data)).toEqual([58, 64, 139, 154]);
    expect(C.dims).toEqual([2, 2]);
    await session.release();
  });

  it("takes medians, runs implementations in alternating rounds and honours the sample bounds", async () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    const order = [];
    const timings = await measureInterleaved([() => void order.push("a"), async () => void order.push("b")], { warmup: 1, minSamples: 4, maxSamples: 6, minTimeMs: 0 });
    expect(timings.map((t) => t.samples)).toEqual([4, 4]);
    expect(order.join("")).toBe("ababababab"); // 1 warm-up round + 4 timed rounds
  });

  it("re-warms short calls right before each timed one, and only those", async () => {
    const order = [];
    const slow = () => {
      order.push("s");
      const until = performance.now() + 3;
      while (performance.now() < until);
    };
    await measureInterleaved([() => void order.push("f"), slow], { warmup: 0, minSamples: 3, maxSamples: 3, minTimeMs: 0, rewarmBelowMs: 2 });
    // first round: both re-warmed (no sample yet); then only the fast one, whose samples stay under 2 ms
    expect(order.join("")).toBe("ffss" + "ffs" + "ffs");
  });

  it("takes a self-timed run's own measurement and leaves its re-warming to it", async () => {
    let calls = 0;
    const peer = async () => {
      calls++;
      return { measuredMs: 0.25 };
    };
    const [timing] = await measureInterleaved([peer], { warmup: 1, minSamples: 3, maxSamples: 3, minTimeMs: 0, rewarmBelowMs: 20 });
    expect(timing).toEqual({ medianMs: 0.25, minMs: 0.25, samples: 3 });
    expect(calls).toBe(4); // 1 warm-up + 3 timed, no extra calls although 0.25 ms < 20 ms
  });

  it("renders GFLOP/s and ratios of ours to each peer", () => {
    const shape = { m: 2, k: 2, n: 2 };
    const results = [
      { impl: "ours", shape: "2³", gflops: 30 },
      { impl: "peer", shape: "2³", gflops: 20 },
    ];
    const text = gemmTables([shape], results, ["ours"], ["peer"]);
    expect(text).toContain("| ours | 30.0 |");
    expect(text).toContain("| ours ÷ peer | 1.50× |");
  });
});

const SETUP = {
  config: { nLayer: 4, nHead: 4, nEmbd: 256, blockSize: 128, vocabSize: 4096 },
  batch: 16,
  seq: 128,
  forwardBatch: 1,
  warmup: 2,
  steps: 3,
  forwardSteps: 3,
  optimizer: { lr: 1e-3, betas: [0.9, 0.95], weightDecay: 0.1 },
};

/** A synthetic GPT run: ours on both GEMM paths (the wasm one with a NaN loss) and PyTorch. */
function syntheticRun() {
  const row = (impl, role, backend, stepMs, forwardMs, peakMiB, losses = [8.3, 8.0, 7.8, 7.5, 7.2]) => ({
    impl,
    role,
    backend,
    ...summarizeGpt(SETUP, { stepMs, forwardMs, losses, peakMiB }),
    stepMs,
    forwardMs,
    losses,
  });
  return {
    setup: SETUP,
    rows: [
      row("ours blas", "ours", { kind: "wasm", gemmPath: "blas" }, [1700, 1500, 1600], [50, 40, 60], 900),
      row("ours wasm", "ours", { kind: "wasm", gemmPath: "wasm" }, [8000, 9000, 8200], [100, 80, 90], 1300, [8.3, null, null, null, null]),
      row("PyTorch", "reference", undefined, [900, 800, 1000], [10, 12, 8], 600),
    ],
  };
}

describe("GPT report", () => {
  it("summarizes a measurement as medians and tokens per second", () => {
    const summary = summarizeGpt(SETUP, { stepMs: [300, 100, 200], forwardMs: [30, 10, 20], losses: [8.3, 7.9, 7.7], peakMiB: 512 });
    expect(summary).toEqual({ medianStepMs: 200, tokensPerS: (16 * 128) / 0.2, medianForwardMs: 20, forwardTokensPerS: 128 / 0.02, firstLoss: 8.3, lastLoss: 7.7, peakMiB: 512 });
  });

  it("tabulates tokens/s, ms/step, peak MiB and the ratios to PyTorch", () => {
    const lines = gptTable(syntheticRun()).split("\n");
    expect(lines[0]).toBe("| implementation | train tokens/s | ms/step | forward tokens/s | peak MiB | loss first → last | step ÷ PyTorch | forward ÷ PyTorch | peak MiB ÷ PyTorch |");
    // BLAS: 16·128 / 1.6 s = 1280 tokens/s, 900 ms → PyTorch 2276 tokens/s: 0.56×; forward 128/0.05 s vs 128/0.01 s: 0.20×; 1300/600 MiB.
    expect(lines[2]).toBe("| ours blas | 1280 | 1600 | 2560 | 900 | 8.300 → 7.200 | 0.56× | 0.20× | 1.50× |");
    expect(lines[3]).toBe("| ours wasm | 250 | 8200 | 1422 | 1300 | 8.300 → not finite | 0.11× | 0.11× | 2.17× |");
    expect(lines[4]).toBe("| PyTorch | 2276 | 900 | 12800 | 600 | 8.300 → 7.200 | 1.00× | 1.00× | 1.00× |");
  });

  it("checks issue 19's targets: step ≥ 0.9× (BLAS) and ≥ 0.5× (wasm) PyTorch, peak memory ≤ 1.3×", () => {
    const list = gptTargets(syntheticRun());
    expect(list.map((t) => [t.target, Number(t.value.toFixed(4)), t.goal, t.op, t.met])).toEqual([
      ["GPT training step, ours blas ÷ PyTorch (tokens/s)", 0.5625, 0.9, "≥", false],
      ["GPT training peak memory, ours blas ÷ PyTorch", 1.5, 1.3, "≤", false],
      ["GPT training step, ours wasm ÷ PyTorch (tokens/s) (wrong losses: see the GPT section)", 0.1098, 0.5, "≥", false],
      ["GPT training peak memory, ours wasm ÷ PyTorch (wrong losses: see the GPT section)", 2.1667, 1.3, "≤", false],
    ]);
    expect(targetsTable(list).split("\n")[3]).toBe("| GPT training peak memory, ours blas ÷ PyTorch | 1.50× | ≤ 1.3× | missed |");
    const fast = syntheticRun();
    fast.rows[0].tokensPerS = 0.95 * fast.rows[2].tokensPerS; // above the goal: met
    expect(gptTargets(fast)[0].met).toBe(true);
    expect(gptTargets({ ...syntheticRun(), rows: syntheticRun().rows.slice(0, 2) })).toEqual([]); // no PyTorch: nothing to compare
    expect(target("x", Number.NaN, 1)).toEqual({ target: "x", value: null, goal: 1, op: "≥", met: null });
  });

  it("bounds the wasm-GEMM step by the step's matrix-product FLOPs at our best wasm GEMM rate", () => {
    // nLayer 4, nEmbd 256, vocab 4096 at 16×128: per token 2·(12·256²·4 + 4096·256 + 2·128·256·4) = 8,912,896 FLOPs
    // forward, three times that with the backward, for 2048 tokens.
    expect(gptStepGemmFlops({ nLayer: 4, nEmbd: 256, vocabSize: 4096 }, 16, 128)).toBe(3 * 8912896 * 2048);
    const run = syntheticRun();
    const gemm = [
      { impl: "ours wasm (pool, 2 threads)", shape: "1024³", gflops: 80 },
      { impl: "ours wasm relaxed SIMD (pool, 2 threads)", shape: "2048³", gflops: 100 },
      { impl: "ours BLAS (2 threads)", shape: "1024³", gflops: 300 }, // not the wasm path
    ];
    const bound = wasmGemmBound(run, gemm);
    const gflop = gptStepGemmFlops(SETUP.config, SETUP.batch, SETUP.seq) / 1e9;
    expect(bound.gemm).toEqual(gemm[1]);
    expect(bound.ms).toBeCloseTo((gflop / 100) * 1e3, 9);
    expect(bound.torchMs).toBeCloseTo(900, 9); // PyTorch's median step
    expect(bound.ratio).toBeCloseTo(900 / bound.ms, 9);
    expect(describeWasmGemmBound(bound)).toMatch(/at the best rate our wasm GEMM reached in the GEMM section \(100\.0 GFLOP\/s, ours wasm relaxed SIMD \(pool, 2 threads\), 2048³\)/);
    expect(wasmGemmBound(run, gemm.slice(2))).toBeNull(); // no wasm GEMM row
    expect(wasmGemmBound({ ...run, rows: run.rows.slice(0, 2) }, gemm)).toBeNull(); // no PyTorch
  });

  it("flags rows whose losses show a broken computation", () => {
    const run = syntheticRun();
    run.rows[0].losses = [-1e9, 5, 4];
    expect(lossProblems(run)).toEqual([
      "ours blas: the first loss is -1000000000.000, but an untrained model starts near ln(4096) = 8.318",
      "ours wasm: the loss is not finite from step 2 on (warm-up steps included)",
    ]);
  });

  it("labels software adapters and names our backends", () => {
    expect(deviceLabel("llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1 (mesa, software)")).toBe("CPU-emulated (lavapipe)");
    expect(deviceLabel("SwiftShader Device (Subzero) (google, swiftshader)")).toBe("CPU-emulated (SwiftShader)");
    expect(deviceLabel("NVIDIA H200 (nvidia, hopper)")).toBe("NVIDIA H200 (nvidia, hopper)");
    expect(implName({ kind: "wasm", gemmPath: "wasm", relaxedSimd: true, threads: 2 })).toBe("ours, wasm GEMM (relaxed SIMD, 2 threads)");
    expect(implName({ kind: "wasm", gemmPath: "blas", relaxedSimd: true, threads: 2 })).toBe("ours, BLAS GEMM (2 threads)");
    expect(implName({ kind: "webgpu", adapter: "llvmpipe: Mesa" })).toBe("ours webgpu, CPU-emulated (lavapipe)");
    expect(implName({ kind: "gpujs", mode: "webasm", adapter: null })).toBe("ours gpu.js webasm");
    expect(implName({ kind: "gpujs", mode: "webgpu", adapter: "llvmpipe (mesa)" })).toBe("ours gpu.js webgpu, CPU-emulated (lavapipe)");
  });

  it("keeps each row's fastest step round, fastest forward round and largest peak", () => {
    const round = (stepMs, forwardMs, peakMiB) => ({ impl: "x", ...summarizeGpt(SETUP, { stepMs, forwardMs, losses: [8.3, 8.1], peakMiB }), stepMs, forwardMs });
    const row = combineRounds([round([2000], [40], 900), round([1600], [50], 950), round([1800], [30], 800)]);
    expect([row.medianStepMs, row.stepMs, row.medianForwardMs, row.forwardMs, row.peakMiB]).toEqual([1600, [1600], 30, [30], 950]);
    expect(row.tokensPerS).toBe((16 * 128) / 1.6);
    expect(row.forwardTokensPerS).toBe(128 / 0.03);
    expect(row.rounds).toEqual([
      { medianStepMs: 2000, medianForwardMs: 40, peakMiB: 900 },
      { medianStepMs: 1600, medianForwardMs: 50, peakMiB: 950 },
      { medianStepMs: 1800, medianForwardMs: 30, peakMiB: 800 },
    ]);
  });

  it("tabulates tensor-API GEMM results per backend and shape", () => {
    const run = { shapes: [{ m: 256, k: 256, n: 256 }, { m: 512, k: 512, n: 512 }], rows: [{ impl: "gpu", gemm: [{ m: 256, k: 256, n: 256, medianMs: 52.4, gflops: 0.64 }] }] };
    expect(tensorGemmTable(run).split("\n")[2]).toBe("| gpu | 0.64 (52 ms) | — |");
  });
});

// The child runs the packages' dist builds (plain Node cannot load their TypeScript sources).
const built = ["core", "nn", "optim"].every((name) => existsSync(new URL(`../../../packages/${name}/dist/index.js`, import.meta.url)));
if (!built) console.log("bench child-process GPT test skipped: packages/{core,nn,optim}/dist is missing (run `npm run build` first)");

describe("child processes", () => {
  it("reads the marked result line and the last meaningful stderr line", () => {
    expect(parseChildOutput(`noise\n${RESULT_MARK}{"a":1}\n`)).toEqual({ a: 1 });
    expect(parseChildOutput('{"torch": "1.13"}\n')).toEqual({ torch: "1.13" });
    expect(parseChildOutput("nothing here")).toBeNull();
    expect(lastErrorLine("Error: no adapter\nWarning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16\n")).toBe("Error: no adapter");
  });

  it.runIf(built)("runs a tiny GPT in a child process: a loss per step that starts near ln(vocab) and falls, and the child's peak RSS", async () => {
    const setup = { ...SETUP, config: { nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 32 }, batch: 2, seq: 8, steps: 2, forwardSteps: 2, optimizer: { ...SETUP.optimizer, lr: 1e-2 } };
    const result = await runBackendChild({ backend: { kind: "cpu" }, gpt: setup });
    expect(result.ok).toBe(true);
    const { backend, gpt, peakMiB } = result.value;
    expect(backend).toEqual({ kind: "cpu" });
    expect(gpt.stepMs).toHaveLength(2);
    expect(gpt.forwardMs).toHaveLength(2);
    expect(gpt.losses).toHaveLength(4); // warm-up steps included
    expect(gpt.losses[0]).toBeCloseTo(Math.log(32), 0);
    expect(gpt.losses[3]).toBeLessThan(gpt.losses[0]);
    expect(peakMiB).toBeGreaterThan(20);
  });

  it("reports a backend that cannot be created as a failure with its reason", async () => {
    const result = await runBackendChild({ backend: { kind: "tpu" } });
    expect(result).toEqual({ ok: false, reason: 'backend-child: unknown backend kind "tpu" (wasm, webgpu, gpujs or cpu)' });
  });

  const hasTorch = torchImportable();
  if (!hasTorch) console.log(`bench PyTorch tests: skipped, ${PYTHON} cannot import torch (apt install python3-torch)`);

  it("names PyTorch's BLAS and flags the reference (netlib) one", () => {
    const netlib = ["/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0", "/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0"];
    expect(describeTorchBlas(netlib)).toEqual({ text: "reference BLAS (netlib) (/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0)", reference: true });
    expect(describeTorchBlas(["/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"])).toEqual({ text: "OpenBLAS (/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3)", reference: false });
    expect(describeTorchBlas([])).toEqual({ text: "unknown", reference: false });
    expect(describeTorchBlas(null)).toEqual({ text: "unknown", reference: false });
  });

  it.runIf(hasTorch)("times PyTorch in a long-lived child: a GEMM and a GEMV per request, measured there; bad jobs are errors", async () => {
    const torch = await startTorch(1, 20);
    try {
      expect(torch).toMatchObject({ available: true, threads: 1 });
      expect(torch.blas.some((path) => /blas/.test(path))).toBe(true); // the library its GEMM ran on
      const gemm = await torch.prepare({ kind: "gemm", m: 64, k: 64, n: 64 });
      const mv = await torch.prepare({ kind: "gemv", n: 256, k: 256 });
      const samples = [await gemm.run(), await mv.run(), await gemm.run()];
      for (const { measuredMs } of samples) expect(measuredMs).toBeGreaterThan(0);
      // A 64³ GEMM takes microseconds in PyTorch; the pipe round trip alone takes longer, so it is not counted.
      expect(samples[2].measuredMs).toBeLessThan(5);
      await gemm.dispose();
      await expect(gemm.run()).rejects.toThrow(/PyTorch: KeyError/);
      await expect(torch.prepare({ kind: "conv", n: 2 })).rejects.toThrow("PyTorch: ValueError: unknown job kind 'conv' (gemm, gemv, gemv-rotation, gpt-decode, gpt-generate or family-generate)");
    } finally {
      await torch.close();
    }
  });

  it.runIf(hasTorch)("runs the PyTorch GPT: a loss per step that starts near ln(vocab) and falls, and its peak RSS", async () => {
    const setup = { ...SETUP, config: { nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 32 }, batch: 2, seq: 8, steps: 2, forwardSteps: 2, optimizer: { ...SETUP.optimizer, lr: 1e-2 } };
    const result = await runTorchScript("gpt_torch.py", [JSON.stringify(setup), "1"], 1);
    expect(result.ok).toBe(true);
    const { threads, stepMs, forwardMs, losses, peakMiB } = result.value;
    expect(threads).toBe(1);
    expect([stepMs.length, forwardMs.length, losses.length]).toEqual([2, 2, 4]);
    expect(losses[0]).toBeCloseTo(Math.log(32), 0);
    expect(losses[3]).toBeLessThan(losses[0]);
    expect(peakMiB).toBeGreaterThan(20);
  });
});
