// `npm run bench`: every GEMM implementation on the same shapes in one run, the decode GEMV dense
// against 2:4, the GPT training step and forward against PyTorch, the GPU backends (webgpu, gpu.js),
// a markdown report on stdout and the raw numbers as JSON in tooling/bench/results/.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { decodeTable, decodeTargets, familyTable, generateTable, inCacheTable, inCacheTargets, rotationTable } from "./decode-report.mjs";
import { benchFamilyGenerate, FAMILY_MODELS } from "./family-decode.mjs";
import { benchGemv, benchGemvInCache, IN_CACHE_BURST, inCacheSize } from "./gemv.mjs";
import { ASSUMED_LLC_BYTES, benchGemvRotation } from "./gemv-rotation.mjs";
import { benchGptDecode } from "./gpt-decode.mjs";
import { benchGpt, benchTensorGemm, cpuBackends, gpuBackends, GPT_QUICK_SETUP, GPT_SETUP, GPU_GEMM_QUICK_SAMPLES, GPU_GEMM_SAMPLES, GPU_GPT_QUICK_SETUP, GPU_GPT_SETUP, GPU_QUICK_SHAPES, GPU_SHAPES } from "./gpt.mjs";
import { describeSetup, describeWasmGemmBound, gptTable, gptTargets, lossProblems, target, targetsTable, tensorGemmTable, wasmGemmBound } from "./gpt-report.mjs";
import { REWARM_MS, gflops, measureInterleaved } from "./measure.mjs";
import { createCorePeer, createOnnxPeer, createOurPeer, createTfjsPeer } from "./peers.mjs";
import { profileTable } from "./kernel-profile.mjs";
import { describeCaches, describeMachine } from "./machine.mjs";
import { fmt, gemmTables, table } from "./report.mjs";
import { describeTorchBlas, startTorch } from "./torch.mjs";
import { relaxedSimdSupported } from "@adaptive-sparse/backend-wasm";

const SHAPES = [
  { m: 256, k: 256, n: 256 },
  { m: 512, k: 512, n: 512 },
  { m: 1024, k: 1024, n: 1024 },
  { m: 2048, k: 2048, n: 2048 },
  { m: 4096, k: 256, n: 1024 }, // GPT MLP/attention projections: (batch·seq) × d_model × 4·d_model
  { m: 4096, k: 1024, n: 256 },
];
const QUICK_SHAPES = [SHAPES[0], SHAPES[1], SHAPES[4]];
/** The reference cpu backend is O(n³) JavaScript: only the small shapes. */
const CORE_MAX = 512;
const GEMV = { n: 4096, k: 4096 };

const REFERENCE_BLAS_NOTE =
  "PyTorch runs on the reference (netlib) BLAS here, not OpenBLAS: its GEMMs run at a few GFLOP/s, so every ratio to PyTorch is far above what it is against OpenBLAS (apt install libopenblas0-pthread for a fair comparison; our BLAS path loads it too)";

const label = ({ m, k, n }) => (m === k && k === n ? `${m}³` : `${m}×${k}×${n}`);
const load = () => os.loadavg().map((v) => v.toFixed(2)).join(", ");

async function tryPeer(create, skipped, name) {
  try {
    return await create();
  } catch (error) {
    skipped.push({ impl: name, reason: error instanceof Error ? error.message : String(error) });
    console.log(`skipping ${name}: ${skipped.at(-1).reason}`);
    return null;
  }
}

/** Runs the whole benchmark; returns the JSON record it wrote. */
export async function runBench({ quick = false, notes = [] } = {}) {
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const shapes = quick ? QUICK_SHAPES : SHAPES;
  const startLoad = load();
  console.log(`# npm run bench (${new Date().toISOString()})\n`);
  const machine = describeMachine();
  console.log(`Processor: ${machine.cpu}, ${cores} hardware threads; ${describeCaches(machine.caches)}`);
  console.log(`Node ${process.version}; load average at start: ${startLoad}`);
  for (const note of notes) console.log(`note: ${note}`);
  console.log("");

  const skipped = [];
  const relaxed = relaxedSimdSupported();
  if (!relaxed) skipped.push({ impl: "ours wasm, relaxed SIMD", reason: `Node ${process.version} lacks WebAssembly relaxed SIMD (run through scripts/bench.mjs, or use Node 22+)` });
  const ours = [
    await createOurPeer("ours wasm (1 thread)", { gemm: "wasm", threads: 1, relaxedSimd: false }),
    await createOurPeer(`ours wasm (pool, ${cores} threads)`, { gemm: "wasm", threads: cores, relaxedSimd: false }),
    relaxed && (await createOurPeer("ours wasm relaxed SIMD (1 thread)", { gemm: "wasm", threads: 1, relaxedSimd: true })),
    relaxed && (await createOurPeer(`ours wasm relaxed SIMD (pool, ${cores} threads)`, { gemm: "wasm", threads: cores, relaxedSimd: true })),
    await tryPeer(() => createOurPeer(`ours BLAS (${cores} threads)`, { gemm: "blas", threads: cores }), skipped, "ours BLAS"),
  ].filter(Boolean);
  const blasPeer = ours.find((peer) => peer.backend.gemmPath === "blas");
  if (blasPeer) console.log(`BLAS path: ${blasPeer.backend.blasLibrary}`);
  // PyTorch runs in a long-lived python3 child and is timed in the same rounds as everything else.
  const torch = await startTorch(cores, REWARM_MS);
  const torchName = `PyTorch CPU (${cores} threads)`;
  const torchBlas = torch.available ? describeTorchBlas(torch.blas) : null;
  if (torch.available) console.log(`PyTorch ${torch.version}, ${torch.threads} threads, BLAS: ${torchBlas.text}`);
  else {
    skipped.push({ impl: "PyTorch CPU", reason: torch.reason });
    console.log(`skipping PyTorch CPU: ${torch.reason}`);
  }
  if (torchBlas?.reference) {
    notes.push(REFERENCE_BLAS_NOTE);
    console.log(`note: ${REFERENCE_BLAS_NOTE}`);
  }
  const others = [
    createCorePeer(),
    await tryPeer(createTfjsPeer, skipped, "tfjs-backend-wasm"),
    await tryPeer(() => createOnnxPeer(cores), skipped, "onnxruntime-node"),
    torch.available && { name: torchName, prepare: (m, k, n) => torch.prepare({ kind: "gemm", m, k, n }), dispose() {} },
  ].filter(Boolean);

  const results = [];
  for (const shape of shapes) {
    const peers = [...others, ...ours].filter((peer) => peer.name !== "core cpu" || Math.max(shape.m, shape.k, shape.n) <= CORE_MAX);
    const prepared = [];
    for (const peer of peers) prepared.push(await peer.prepare(shape.m, shape.k, shape.n));
    // Samples are taken in rounds over all implementations, so load changes hit them alike.
    const timings = await measureInterleaved(prepared.map((p) => p.run), { rewarmBelowMs: REWARM_MS, ...(quick ? { minSamples: 3, minTimeMs: 50 } : {}) });
    for (const p of prepared) await p.dispose();
    peers.forEach((peer, i) => {
      const timing = timings[i];
      results.push({ impl: peer.name, shape: label(shape), ...shape, ...timing, gflops: gflops(shape.m, shape.k, shape.n, timing.medianMs), load1: os.loadavg()[0] });
      console.log(`  ${label(shape).padEnd(14)} ${peer.name.padEnd(44)} ${fmt(timing.medianMs, 2).padStart(9)} ms ${fmt(results.at(-1).gflops).padStart(7)} GFLOP/s`);
    });
  }

  // Decode GEMV, dense against 2:4, on our wasm paths, with PyTorch's dense mv in the same rounds.
  const torchMv = torch.available ? await torch.prepare({ kind: "gemv", ...GEMV }) : null;
  const gemv = [];
  for (const peer of ours.filter((p) => p.backend.gemmPath === "wasm")) {
    const timing = await benchGemv(peer.backend, GEMV.n, GEMV.k, torchMv?.run);
    gemv.push({ impl: peer.name, ...timing });
  }
  // The same with a weight that stays in the last-level cache (half of it at most), where instructions decide.
  const nInCache = inCacheSize(machine.lastLevelCacheBytes ?? ASSUMED_LLC_BYTES);
  const torchMvInCache = torch.available ? await torch.prepare({ kind: "gemv", n: nInCache, k: nInCache, burst: IN_CACHE_BURST }) : null;
  const gemvInCache = [];
  for (const peer of ours.filter((p) => p.backend.gemmPath === "wasm")) gemvInCache.push({ impl: peer.name, ...(await benchGemvInCache(peer.backend, nInCache, torchMvInCache?.run)) });
  await torchMvInCache?.dispose();
  await torchMv?.dispose();
  for (const peer of [...ours, ...others]) peer.dispose();

  // Decode as in a real model: weights from memory (a rotation larger than the LLC), and GPT-2 124M's decode.
  console.log("\nDecode from memory: GEMV over a weight rotation larger than the last-level cache; GPT-2 124M-shaped decode; LLaMA- and OPT-shaped generate");
  const peerTorch = torch.available ? torch : null;
  const decodeStep = async (name, run) => {
    try {
      return await run();
    } catch (error) {
      skipped.push({ impl: name, reason: error instanceof Error ? error.message : String(error) });
      console.log(`skipping ${name}: ${skipped.at(-1).reason}`);
      return null;
    }
  };
  const gemvMemory = await decodeStep("decode GEMV from memory", () => benchGemvRotation({ ...GEMV, llcBytes: machine.lastLevelCacheBytes, threads: cores, torch: peerTorch }));
  for (const row of gemvMemory?.rows ?? []) console.log(`  ${row.impl.padEnd(58)} ${fmt(row.medianMs, 2).padStart(8)} ms`);
  const decode = await decodeStep("GPT-2 124M decode", () => benchGptDecode({ threads: cores, torch: peerTorch, minSamples: quick ? 3 : 5 }));
  for (const row of decode?.rows ?? []) console.log(`  ${row.impl.padEnd(58)} ${fmt(row.tokensPerS, 1).padStart(8)} tokens/s`);
  // The other families' generate: LLaMA- and OPT-shaped models, dense and 2:4, against PyTorch's twins.
  const families = [];
  for (const spec of FAMILY_MODELS) {
    const run = await decodeStep(`${spec.name} generate`, () => benchFamilyGenerate({ spec, threads: cores, torch: peerTorch, minSamples: quick ? 3 : 5 }));
    if (run) families.push(run);
    for (const row of run?.generate.rows ?? []) console.log(`  ${spec.name} ${row.impl.padEnd(58)} ${fmt(row.decodeTokensPerS, 1).padStart(8)} tokens/s`);
  }
  if (torch.available) await torch.close();

  // GPT training step and forward: our CPU paths against PyTorch, each in its own process (peak RSS).
  console.log("\nGPT (one child process per implementation)");
  // ADAPTIVE_SPARSE_BENCH_PROFILE=1: each of our rows also profiles 2 extra steps kernel by kernel (kernel-profile.mjs).
  const profileSteps = process.env.ADAPTIVE_SPARSE_BENCH_PROFILE === "1" ? 2 : 0;
  const gpt = await benchGpt({ ...(quick ? GPT_QUICK_SETUP : GPT_SETUP), profileSteps }, cpuBackends(cores), cores, skipped, { rounds: quick ? 1 : 2 });

  // GPU backends: tensor-API GEMM and a small GPT, with our wasm path and PyTorch on the same small GPT for scale.
  console.log("\nGPU backends (one child process per backend and measurement)");
  const gpu = {
    gemm: await benchTensorGemm(quick ? GPU_QUICK_SHAPES : GPU_SHAPES, quick ? GPU_GEMM_QUICK_SAMPLES : GPU_GEMM_SAMPLES, gpuBackends(), skipped),
    gpt: await benchGpt(quick ? GPU_GPT_QUICK_SETUP : GPU_GPT_SETUP, [...gpuBackends(), cpuBackends(cores)[1]], cores, skipped),
  };

  const record = { timestamp: new Date().toISOString(), quick, machine: { cpu: machine.cpu, caches: machine.caches, lastLevelCacheBytes: machine.lastLevelCacheBytes, cores, node: process.version, execArgv: process.execArgv, loadAtStart: startLoad, loadAtEnd: load() }, notes, skipped, gemm: results, torch: torch.available ? { version: torch.version, threads: torch.threads, blas: torch.blas } : null, gemv, gemvInCache, gemvMemory, decode, families, gpt, gpu };
  record.gpt.wasmGemmBound = wasmGemmBound(gpt, results);
  record.targets = [...targets(results, gemv, ours, torchName), ...inCacheTargets(gemvInCache), ...decodeTargets(gemvMemory, decode), ...gptTargets(gpt)];
  printReport(record, shapes, ours.map((p) => p.name), others.map((p) => p.name));
  const dir = fileURLToPath(new URL("../results/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}${record.timestamp.replace(/[:.]/g, "-")}.json`;
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
  return record;
}

function targets(results, gemv, ours, torchName) {
  const at = (impl, shape) => results.find((r) => r.impl === impl && r.shape === shape)?.gflops;
  const find = (relaxed, pooled) => ours.find((p) => p.backend.gemmPath === "wasm" && p.backend.relaxedSimd === relaxed && p.name.includes("pool") === pooled)?.name;
  const blas = ours.find((p) => p.backend.gemmPath === "blas")?.name;
  const tfjs = results.find((r) => r.impl.startsWith("tfjs"))?.impl;
  const list = [];
  const add = (name, value, goal) => list.push(target(name, value, goal, "≥"));
  // The wasm path as the backend runs it: the pool on every core (the 1-thread rows are in the GEMM tables).
  if (tfjs) {
    for (const relaxed of [false, true]) {
      const name = find(relaxed, true);
      if (name) add(`${name} GEMM 1024³ ÷ tfjs-backend-wasm`, at(name, "1024³") / at(tfjs, "1024³"), 1.5);
    }
  }
  if (blas && results.some((r) => r.impl === torchName)) {
    const shapes = [...new Set(results.filter((r) => r.impl === blas).map((r) => r.shape))];
    const ratios = shapes.map((s) => at(blas, s) / at(torchName, s));
    add(`BLAS path ÷ PyTorch, 1024³`, at(blas, "1024³") / at(torchName, "1024³"), 0.8);
    add(`BLAS path ÷ PyTorch, worst shape`, Math.min(...ratios), 0.8);
  }
  for (const row of gemv) add(`2:4 GEMV ÷ dense GEMV 4096², ${row.impl}, weight resident`, row.kernelDense.medianMs / row.kernelSparse.medianMs, 1.6);
  // Issue 3's second GEMV target: our 2:4 GEMV at least as fast as PyTorch's dense one (same dense-equivalent
  // work), on as many threads as PyTorch has (the pool; the 1-thread rows are in the GEMV table).
  for (const row of gemv.filter((r) => r.torchDense && r.impl.includes("pool"))) add(`2:4 GEMV 4096², ${row.impl}, weight resident ÷ PyTorch dense mv`, row.torchDense.medianMs / row.kernelSparse.medianMs, 1);
  return list;
}

function printLossProblems(run) {
  const problems = lossProblems(run);
  if (problems.length) console.log(`\nWrong results, so these timings are of a broken computation:\n${problems.map((p) => `- ${p}`).join("\n")}`);
}

function printReport(record, shapes, ours, peers) {
  console.log(`\n## GEMM (C = A·B, f32, M×K×N)\n`);
  console.log(gemmTables(shapes, record.gemm, ours, peers));
  console.log(`\n## Decode GEMV, y = x·Wᵀ with W ${GEMV.n}×${GEMV.k}: dense vs 2:4 (values + 4-bit positions), one weight (cache-resident where the LLC holds it)\n`);
  const rows = [];
  for (const row of record.gemv) {
    const dense2 = 2 * GEMV.n * GEMV.k;
    const torch = row.torchDense;
    const line = (what, dense, sparse) => [
      `${row.impl}, ${what}`,
      fmt(dense.medianMs, 2),
      fmt(sparse.medianMs, 2),
      `${fmt(dense.medianMs / sparse.medianMs, 2)}×`,
      fmt(dense2 / (sparse.medianMs * 1e6)),
      torch ? fmt(torch.medianMs, 2) : "—",
      torch ? `${fmt(torch.medianMs / sparse.medianMs, 2)}×` : "—",
    ];
    rows.push(line("kernel, weight resident in wasm memory", row.kernelDense, row.kernelSparse));
    rows.push(line("host arrays, copied in every call", row.hostDense, row.hostSparse));
  }
  const torchColumns = record.torch ? [`PyTorch dense mv ms (${record.torch.threads} threads, same rounds)`, "PyTorch mv ÷ 2:4"] : ["PyTorch mv", "—"];
  console.log(table(["implementation", "dense ms", "2:4 ms", "2:4 speed-up", "2:4 dense-equivalent GFLOP/s", ...torchColumns], rows));
  if (record.gemvInCache.length) console.log(`\n## Decode GEMV with the weight in the last-level cache\n\n${inCacheTable(record.gemvInCache, record.machine.lastLevelCacheBytes)}`);
  if (record.gemvMemory) console.log(`\n## Decode GEMV with the weights from memory\n\n${rotationTable(record.gemvMemory)}`);
  if (record.decode) console.log(`\n## Whole-model decode, GPT-2 124M-shaped: dense vs compressed 2:4, against PyTorch in the same rounds\n\n${decodeTable(record.decode)}`);
  if (record.decode?.generate) console.log(`\n${generateTable(record.decode)}`);
  for (const run of record.families) console.log(`\n## \`generate\`, ${run.name}: dense vs compressed 2:4, against PyTorch in the same rounds\n\n${familyTable(run)}`);
  console.log(`\n## GPT training step and forward${record.quick ? " (--quick: smaller batch, fewer steps; not comparable with full runs)" : ""}\n`);
  console.log(`${describeSetup(record.gpt.setup, record.gpt.rounds)}. Peak MiB: the peak RSS of the process that ran only that implementation.\n`);
  console.log(gptTable(record.gpt));
  printLossProblems(record.gpt);
  if (record.gpt.wasmGemmBound) console.log(`\n${describeWasmGemmBound(record.gpt.wasmGemmBound)}`);
  for (const row of record.gpt.rows.filter((r) => r.profile)) console.log(`\n### Profile of the training step: ${row.impl}\n\n${profileTable(row.profile)}`);
  console.log(`\n## GPU backends\n`);
  console.log("GEMM C = A·B through the tensor API, C read back to the host each time (that read also waits for the GPU):\n");
  console.log(record.gpu.gemm.rows.length ? tensorGemmTable(record.gpu.gemm) : "(no GPU backend ran: see Skipped)");
  console.log(`\nA small GPT (the GPU backends run on a CPU emulation here), with our wasm path and PyTorch for scale. ${describeSetup(record.gpu.gpt.setup)}.\n`);
  console.log(gptTable(record.gpu.gpt));
  printLossProblems(record.gpu.gpt);
  console.log(`\n## Targets\n`);
  console.log(targetsTable(record.targets));
  if (record.notes.includes(REFERENCE_BLAS_NOTE)) console.log(`\nNote: ${REFERENCE_BLAS_NOTE}.`);
  if (record.skipped.length) console.log(`\nSkipped: ${record.skipped.map((s) => `${s.impl} (${s.reason})`).join("; ")}`);
  console.log(`\nProcessor: ${record.machine.cpu}; ${describeCaches(record.machine.caches)}.`);
  console.log(`Load average: ${record.machine.loadAtStart} at start, ${record.machine.loadAtEnd} at end (the machine is shared: treat single numbers as noisy).`);
}
