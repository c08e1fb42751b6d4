import { createWasmBackend } from "@adaptive-sparse/backend-wasm";
import { describe, expect, it } from "vitest";
import { PYTHON, torchImportable } from "./children.mjs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { decodeBytes, decodeTable, decodeTargets, familyTable, generateTable, inCacheTable, inCacheTargets, rotationTable } from "./decode-report.mjs";
import { benchFamilyGenerate, familyBytes, FAMILY_MODELS } from "./family-decode.mjs";
import { benchGemvInCache, IN_CACHE_BURST, inCacheSize } from "./gemv.mjs";
import { benchGemvRotation, rotationPlan } from "./gemv-rotation.mjs";
import { argmax, benchGptDecode, generateShape, mask24 } from "./gpt-decode.mjs";
import { startTorch } from "./torch.mjs";

const MiB = 1024 ** 2;

describe("decode rows: plan, mask, tables and targets", () => {
  it("rotates enough 4096² weights that the 2:4 ones hold twice the LLC, capped by the wasm memory budget", () => {
    // 2:4 weight: 8M values (32 MiB) + 2 MiB of positions = 34 MiB; dense 64 MiB.
    expect(rotationPlan(32 * MiB, 4096, 4096)).toEqual({ count: 2, denseBytes: 128 * MiB, sparseBytes: 68 * MiB, llcBytes: 32 * MiB, assumedLlc: false, capped: false });
    // 480 MiB (the Intel machine): 29 wanted, 1792 MiB / 98 MiB = 18 fit.
    expect(rotationPlan(480 * MiB, 4096, 4096)).toMatchObject({ count: 18, denseBytes: 18 * 64 * MiB, sparseBytes: 18 * 34 * MiB, capped: true });
    expect(rotationPlan(null, 4096, 4096)).toMatchObject({ count: 2, llcBytes: 32 * MiB, assumedLlc: true });
    expect(rotationPlan(1 * MiB, 4096, 4096).count).toBe(2); // never fewer than 2
  });

  it("sizes the in-cache GEMV to half the LLC and tabulates it with its 1.6× target", () => {
    expect(inCacheSize(32 * MiB)).toBe(2048); // 16 MiB dense ≤ 16 MiB
    expect(inCacheSize(480 * MiB)).toBe(4096); // 64 MiB ≤ 240 MiB < 256 MiB
    expect(inCacheSize(1 * MiB)).toBe(256); // never smaller
    const rows = [{ impl: "ours wasm (pool, 2 threads)", n: 2048, kernelDense: { medianMs: 0.8, burst: 8 }, kernelSparse: { medianMs: 0.4, burst: 8 }, torchDense: { medianMs: 1.2, burst: 8 } }];
    const lines = inCacheTable(rows, 32 * MiB).split("\n");
    expect(lines[0]).toBe("W 2048×2048: 16 MiB dense, 8.5 MiB as 2:4, against a last-level cache of 32 MiB; kernel table, interleaved rounds, 8 calls back to back per sample (ms per call).");
    expect(lines[4]).toBe("| ours wasm (pool, 2 threads) | 0.800 | 0.400 | 2.00× | 1.200 | 3.00× |");
    expect(inCacheTargets(rows)).toEqual([{ target: "2:4 GEMV ÷ dense GEMV 2048², ours wasm (pool, 2 threads), weight in the last-level cache", value: 2, goal: 1.6, op: "≥", met: true }]);
  });

  it("sizes generate's prompt and new tokens to the model, and tabulates generate against our dense and PyTorch", () => {
    expect(generateShape(1024)).toEqual({ prompt: 32, tokens: 64 });
    expect(generateShape(16)).toEqual({ prompt: 8, tokens: 8 });
    const run = {
      generate: {
        prompt: 32,
        tokens: 64,
        rows: [
          { impl: "ours dense (BLAS GEMM, 2 threads)", firstMs: 20, totalMs: 1280, decodeTokensPerS: 50 },
          { impl: "ours 2:4 compressed sparse layers (wasm 2:4 kernel, 2 threads)", firstMs: 60, totalMs: 690, decodeTokensPerS: 100 },
          { impl: "PyTorch CPU (2 threads), dense", firstMs: 30, totalMs: 2550, decodeTokensPerS: 25 },
        ],
      },
    };
    const lines = generateTable(run).split("\n");
    expect(lines[0]).toBe(
      "`generate` itself, greedy, with a KV cache on both sides: a 32-token prompt in one forward, then one position per forward; timed generating 1 token (the first token's time: the prompt's forward, on the 2:4 side with each weight unpacked once for the GEMM) and 64, the decode rate being the other 63 over the difference.",
    );
    expect(lines[5]).toBe("| ours 2:4 compressed sparse layers (wasm 2:4 kernel, 2 threads) | 60.0 | 100.0 | 2.00× | 4.00× |");
  });

  it("masks 2 of every 4 along a row and takes the first largest value", () => {
    const mask = mask24(3, 8);
    for (let g = 0; g < 6; g++) expect(mask[4 * g] + mask[4 * g + 1] + mask[4 * g + 2] + mask[4 * g + 3]).toBe(2);
    // group g keeps pair (7g + ⌊g/8⌋) mod 6: g 0 → [0, 1], g 1 → [0, 2], g 2 → 14 mod 6 = 2 → [0, 3]
    expect(Array.from(mask.subarray(0, 12))).toEqual([1, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1]);
    expect(argmax([0.5, 3, -1, 3])).toBe(1);
  });

  const rotation = {
    plan: { count: 2, denseBytes: 128 * MiB, sparseBytes: 68 * MiB, llcBytes: 32 * MiB, assumedLlc: false, capped: false },
    n: 4096,
    k: 4096,
    rows: [
      { impl: "ours wasm (pool, 2 threads), dense", medianMs: 4 },
      { impl: "ours wasm (pool, 2 threads), 2:4", medianMs: 2 },
      { impl: "PyTorch CPU (2 threads), dense mv", medianMs: 5 },
    ],
  };
  const decode = {
    config: { nLayer: 12, nHead: 12, nEmbd: 768, blockSize: 1024, vocabSize: 50257 },
    tokensPerRun: 2,
    parameters: 124439808,
    sparseParameters: 84934656,
    maxLogitDiff: 2e-6,
    rows: [
      { impl: "ours dense (wasm GEMM, 2 threads)", medianMs: 100, tokensPerS: 20 },
      { impl: "ours 2:4 compressed sparse layers (wasm 2:4 kernel, 2 threads)", medianMs: 50, tokensPerS: 40 },
      { impl: "PyTorch CPU (2 threads), dense", medianMs: 80, tokensPerS: 25 },
    ],
  };

  it("tabulates the rotation: ms, weight GB/s, dense-equivalent GFLOP/s and the ratios", () => {
    const lines = rotationTable(rotation).split("\n");
    expect(lines[0]).toBe("2 distinct 4096×4096 weights, one per call in turn: 128 MiB dense, 68 MiB as 2:4, against a last-level cache of 32 MiB.");
    // dense: 64 MiB / 4 ms = 16.8 GB/s, 2·4096² / 4 ms = 8.4 GFLOP/s; 2:4: 34 MiB / 2 ms = 17.8 GB/s.
    expect(lines[4]).toBe("| ours wasm (pool, 2 threads), dense | 4.00 | 16.8 | 8.4 | 1.00× | 1.25× |");
    expect(lines[5]).toBe("| ours wasm (pool, 2 threads), 2:4 | 2.00 | 17.8 | 16.8 | 2.00× | 2.50× |");
    expect(lines[6]).toBe("| PyTorch CPU (2 threads), dense mv | 5.00 | 13.4 | 6.7 | 0.80× | 1.00× |");
  });

  it("tabulates the decode as tokens/s with the ratios to our dense and PyTorch's", () => {
    const lines = decodeTable(decode).split("\n");
    expect(lines[0]).toContain("(124.4M parameters, 84.9M in the 2:4 layers)");
    expect(lines[0]).toContain("differ from its dense-with-zeros forward by at most 2.0e-6");
    // Per token: dense 4·(124,439,808 − 1024·768) = 494,613,504 bytes; 2:4 that − 4·84,934,656 + 2.125·84,934,656
    // = 335,361,024 bytes; the head 4·50257·768 = 154,389,504 bytes.
    expect(decodeBytes(decode)).toEqual({ dense: 494613504, sparse: 335361024, head: 154389504 });
    expect(lines[4]).toBe("| ours dense (wasm GEMM, 2 threads) | 20.0 | 50.0 | 9.9 | 1.00× | 0.80× |");
    expect(lines[5]).toBe("| ours 2:4 compressed sparse layers (wasm 2:4 kernel, 2 threads) | 40.0 | 25.0 | 13.4 | 2.00× | 1.60× |");
    expect(lines[6]).toBe("| PyTorch CPU (2 threads), dense | 25.0 | 40.0 | 12.4 | 1.25× | 1.00× |");
    expect(lines[8]).toBe(
      "Weights read per token: dense 494.6 MB, 2:4 335.4 MB (the tied LM head, 154.4 MB, is dense in both), so at one memory bandwidth the 2:4 decode runs at most 1.47× the dense one; a larger ratio means the dense row reads its weights more slowly (GB/s column).",
    );
  });

  it("checks issue 19's decode targets: GEMV from memory ≥ 1.8×, generate's decode ≥ 1.5× ours and ≥ 1.2× PyTorch", () => {
    const generate = {
      prompt: 32,
      tokens: 64,
      rows: [
        { impl: "ours dense (wasm GEMM, 2 threads)", firstMs: 40, totalMs: 670, decodeTokensPerS: 100 },
        { impl: "ours 2:4 compressed sparse layers (wasm 2:4 kernel, 2 threads)", firstMs: 45, totalMs: 465, decodeTokensPerS: 150 },
        { impl: "PyTorch CPU (2 threads), dense", firstMs: 45, totalMs: 1305, decodeTokensPerS: 50 },
      ],
    };
    expect(decodeTargets(rotation, { ...decode, generate }).map((t) => [t.target, t.value, t.goal, t.met])).toEqual([
      ["2:4 GEMV ÷ dense GEMV 4096×4096, ours wasm (pool, 2 threads), weights from memory", 2, 1.8, true],
      ["GPT-2 124M generate decode, ours 2:4 ÷ our dense (tokens/s)", 1.5, 1.5, true],
      ["GPT-2 124M generate decode, ours 2:4 ÷ PyTorch dense (tokens/s)", 3, 1.2, true],
    ]);
    expect(decodeTargets(null, null)).toEqual([]);
    // The one-position rows are the linears' view, tabulated but not a target.
    expect(decodeTargets(null, decode)).toEqual([]);
  });

  it("counts a family's weight bytes per token without the tables a token reads one row of, and tabulates its generate rows", () => {
    // LLaMA: the untied embedding is one row a token; OPT: its learned positions are, its tied embedding is the head.
    const [llama, opt] = FAMILY_MODELS;
    const named = [["model.embed_tokens.weight", 1000], ["model.layers.0.self_attn.q_proj.weight", 400], ["model.norm.weight", 10], ["lm_head.weight", 1000]];
    expect(familyBytes(named, 400, llama.unread)).toEqual({ dense: 4 * 1410, sparse: 4 * 1410 - 4 * 400 + 2.125 * 400 });
    const optNamed = [["model.decoder.embed_tokens.weight", 1000], ["model.decoder.embed_positions.weight", 50], ["model.decoder.layers.0.fc1.weight", 400]];
    expect(familyBytes(optNamed, 400, opt.unread).dense).toBe(4 * 1400);
    const run = {
      name: "LLaMA-shaped",
      config: { vocabSize: 32000, nLayer: 12 },
      parameters: 124668672,
      sparseParameters: 75497472,
      bytes: { dense: 400e6, sparse: 250e6 },
      maxLogitDiff: 1e-6,
      generate: { prompt: 32, tokens: 64, rows: [{ impl: "ours dense (wasm GEMM, 2 threads)", firstMs: 50, totalMs: 850, decodeTokensPerS: 80 }] },
    };
    const lines = familyTable(run).split("\n");
    expect(lines[0]).toBe("vocabSize 32000, nLayer 12 (124.7M parameters, 75.5M in the 2:4 layers), random weights. The 2:4 model's logits differ from its dense-with-zeros forward by at most 1.0e-6.");
    expect(lines[6]).toBe("| ours dense (wasm GEMM, 2 threads) | 50.0 | 80.0 | 1.00× | — |");
    expect(lines.at(-1)).toBe(
      "Weights read per token: dense 400.0 MB, 2:4 250.0 MB, so at one memory bandwidth the 2:4 linears run at most 1.60× the dense ones; attention over the cache and the other kernels take the same time on both sides.",
    );
  });
});

const hasTorch = torchImportable();
if (!hasTorch) console.log(`decode tests: PyTorch's rows not checked, ${PYTHON} cannot import torch (apt install python3-torch)`);

describe("decode rows, run for real on tiny shapes", () => {
  const TINY = {
    llama: { vocabSize: 64, blockSize: 16, nLayer: 2, nEmbd: 32, nHead: 4, nKvHead: 2, intermediateSize: 48 },
    opt: { vocabSize: 64, blockSize: 16, nLayer: 2, nEmbd: 32, nHead: 4, ffnDim: 64 },
  };

  for (const spec of FAMILY_MODELS) {
    it(`generates with a tiny ${spec.family} dense and 2:4 (logits match the masked model) and PyTorch's twin`, async () => {
      const torch = hasTorch ? await startTorch(1, 20) : null;
      try {
        const run = await benchFamilyGenerate({ spec: { ...spec, config: TINY[spec.family] }, threads: 1, torch, minSamples: 3 });
        // LLaMA: embed 64·32, per layer q,o 32·32 + k,v 32·16 + gate,up,down 32·48 + 2 norms 32, final norm, head 32·64.
        // OPT: embed 64·32, positions 18·32, per layer 4·(32·32+32) + 32·64+64 + 64·32+32 + 2 LNs 2·64, final LN 64.
        const layer = spec.family === "llama" ? 2 * 1024 + 2 * 512 + 3 * 1536 : 4 * 1024 + 2048 + 2048;
        expect(run.sparseParameters).toBe(2 * layer);
        expect(run.parameters).toBe(spec.family === "llama" ? 2048 + 2 * (layer + 64) + 32 + 2048 : 2048 + 576 + 2 * (layer + 4 * 32 + 64 + 32 + 128) + 64);
        expect(run.maxLogitDiff).toBeLessThan(1e-5);
        expect(run.maxLogitDiff).toBeGreaterThanOrEqual(0);
        expect([run.generate.prompt, run.generate.tokens]).toEqual([8, 8]);
        expect(run.generate.rows.map((r) => r.impl.split(" (")[0])).toEqual(["ours dense", "ours 2:4 compressed sparse layers", ...(hasTorch ? ["PyTorch CPU"] : [])]);
        for (const row of run.generate.rows) expect(row.decodeTokensPerS).toBeCloseTo((7 * 1000) / Math.max(row.totalMs - row.firstMs, 1e-9), 6);
      } finally {
        await torch?.close();
      }
    });
  }

  it.runIf(hasTorch)("PyTorch's LLaMA and OPT twins: a cached decode gives the logits of one forward over the sequence", () => {
    const script = `import json, sys, torch; torch.set_grad_enabled(False); import family_torch as f; print(json.dumps({k: f.cache_error(k, c, 12) for k, c in json.loads(sys.argv[1]).items()}))`;
    const cwd = fileURLToPath(new URL(".", import.meta.url));
    const errors = JSON.parse(execFileSync(PYTHON, ["-c", script, JSON.stringify(TINY)], { cwd, encoding: "utf8" }));
    expect(errors.llama).toBeLessThan(1e-5);
    expect(errors.opt).toBeLessThan(1e-5);
  });

  it.runIf(hasTorch)("the family-generate job names the families it has and refuses a post-LN OPT", async () => {
    const torch = await startTorch(1, 20);
    try {
      const job = (family, config) => torch.prepare({ kind: "family-generate", family, config, prompt: [1, 2], tokens: 2 });
      await expect(job("gpt2", TINY.llama)).rejects.toThrow("PyTorch: ValueError: unknown family 'gpt2' (llama or opt)");
      await expect(job("opt", { ...TINY.opt, doLayerNormBefore: false })).rejects.toThrow("PyTorch: ValueError: the OPT peer models pre-LN OPTs only (doLayerNormBefore true)");
    } finally {
      await torch.close();
    }
  });

  it("times the in-cache GEMV in bursts of IN_CACHE_BURST calls and reports per call, the peer's too", async () => {
    const backend = await createWasmBackend({ gemm: "wasm", threads: 1 });
    try {
      let peerRuns = 0;
      const peer = async () => {
        peerRuns++;
        return { measuredMs: 4 * IN_CACHE_BURST }; // a self-timed peer: 4 ms per call
      };
      const run = await benchGemvInCache(backend, 256, peer);
      expect(run.torchDense).toMatchObject({ medianMs: 4, burst: IN_CACHE_BURST });
      expect(peerRuns).toBe(3 + run.torchDense.samples); // warm-up rounds, then one run per sample
      for (const row of [run.kernelDense, run.kernelSparse]) {
        expect(row.burst).toBe(IN_CACHE_BURST);
        expect(row.medianMs).toBeGreaterThan(0);
        expect(row.medianMs).toBeLessThan(50);
      }
    } finally {
      backend.dispose();
    }
  });

  it("times a rotation of 64×64 weights larger than a 64 KiB cache, dense and 2:4, with PyTorch's mv", async () => {
    const torch = hasTorch ? await startTorch(1, 20) : null;
    try {
      const run = await benchGemvRotation({ n: 64, k: 64, llcBytes: 64 * 1024, threads: 1, torch });
      // 2:4 weight: 2048 values (8 KiB) + 512 position bytes = 8704 bytes; 2 · 64 KiB / 8704 → 16 weights.
      expect(run.plan).toMatchObject({ count: 16, denseBytes: 16 * 16384, sparseBytes: 16 * 8704, capped: false });
      expect(run.residentBytes).toBe(16 * (16384 + 8704) + 64 * 4); // every weight stayed resident, and x
      expect(run.rows.map((r) => r.impl.replace(/wasm relaxed SIMD/, "wasm"))).toEqual([
        "ours wasm (pool, 1 threads), dense",
        "ours wasm (pool, 1 threads), 2:4",
        ...(run.rows.some((r) => r.impl.startsWith("ours BLAS")) ? ["ours BLAS (1 threads), dense"] : []),
        ...(hasTorch ? ["PyTorch CPU (1 threads), dense mv"] : []),
      ]);
      for (const row of run.rows) expect(row.medianMs).toBeGreaterThan(0);
    } finally {
      await torch?.close();
    }
  });

  it("decodes a tiny GPT dense and 2:4 (logits match the masked model) and PyTorch's twin, in tokens/s", async () => {
    const torch = hasTorch ? await startTorch(1, 20) : null;
    try {
      const config = { nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 16, vocabSize: 64 };
      const run = await benchGptDecode({ config, threads: 1, torch, tokensPerRun: 3, minSamples: 3 });
      // wte 64·32 + wpe 16·32 + per block (2 LN · 64 + 32·96+96 + 32·32+32 + 32·128+128 + 128·32+32) + final LN 64.
      expect(run.parameters).toBe(2048 + 512 + 2 * (128 + 3168 + 1056 + 4224 + 4128) + 64);
      expect(run.sparseParameters).toBe(2 * (3072 + 1024 + 4096 + 4096));
      expect(run.maxLogitDiff).toBeLessThan(1e-5);
      // Ours dense and 2:4 on one backend, PyTorch's where installed.
      expect(run.rows.map((r) => r.impl.split(" (")[0])).toEqual(["ours dense", "ours 2:4 compressed sparse layers", ...(hasTorch ? ["PyTorch CPU"] : [])]);
      for (const row of run.rows) expect(row.tokensPerS).toBeCloseTo((3 * 1000) / row.medianMs, 6);
      // generate with its KV cache: blockSize 16 allows an 8-token prompt and 8 new tokens.
      expect([run.generate.prompt, run.generate.tokens]).toEqual([8, 8]);
      expect(run.generate.rows.map((r) => r.impl.split(" (")[0])).toEqual(["ours dense", "ours 2:4 compressed sparse layers", ...(hasTorch ? ["PyTorch CPU"] : [])]);
      for (const row of run.generate.rows) {
        expect(row.firstMs).toBeGreaterThan(0);
        expect(row.decodeTokensPerS).toBeCloseTo((7 * 1000) / Math.max(row.totalMs - row.firstMs, 1e-9), 6);
      }
    } finally {
      await torch?.close();
    }
  });
});
