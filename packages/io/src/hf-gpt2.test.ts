import { mkdtemp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, DTypeError, ShapeError } from "@adaptive-sparse/core";
import { StateDictError } from "./errors.js";
import { nativeGpt2Shapes, type Gpt2Config } from "./gpt2-config.js";
import { readHfConfig, writeHfConfig } from "./hf-config.js";
import { hfToNative, nativeToHf, type Float32Tensor } from "./hf-gpt2.js";
import { readSafetensors } from "./safetensors-read.js";
import { writeSafetensors } from "./safetensors-write.js";

const config: Gpt2Config = { nLayer: 2, nHead: 2, nEmbd: 4, blockSize: 8, vocabSize: 10, dropout: 0, bias: true };

/** A native state dict whose every element is distinct: tensor k, element i holds k * 1000 + i. */
function nativeDict(cfg: Gpt2Config): Record<string, Float32Tensor> {
  const out: Record<string, Float32Tensor> = {};
  [...nativeGpt2Shapes(cfg)].forEach(([name, shape], k) => {
    const size = shape.reduce((a, b) => a * b, 1);
    out[name] = { dtype: "F32", shape, data: Float32Array.from({ length: size }, (_, i) => k * 1000 + i) };
  });
  return out;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "io-hf-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("nativeGpt2Shapes", () => {
  it("lists nanoGPT's names and shapes (C = 4: c_attn [12, 4], c_fc [16, 4], mlp.c_proj [4, 16])", () => {
    const shapes = nativeGpt2Shapes(config);
    expect(shapes.size).toBe(2 + 2 * 12 + 2);
    expect(shapes.get("transformer.wte.weight")).toEqual([10, 4]);
    expect(shapes.get("transformer.wpe.weight")).toEqual([8, 4]);
    expect(shapes.get("transformer.h.1.attn.c_attn.weight")).toEqual([12, 4]);
    expect(shapes.get("transformer.h.1.attn.c_attn.bias")).toEqual([12]);
    expect(shapes.get("transformer.h.0.mlp.c_fc.weight")).toEqual([16, 4]);
    expect(shapes.get("transformer.h.0.mlp.c_proj.weight")).toEqual([4, 16]);
    expect(shapes.get("transformer.ln_f.bias")).toEqual([4]);
    expect(shapes.has("lm_head.weight")).toBe(false);
    expect([...nativeGpt2Shapes({ ...config, bias: false }).keys()].some((n) => n.endsWith(".bias"))).toBe(false);
  });
});

describe("hfToNative / nativeToHf", () => {
  it("transposes Conv1D weights: HF c_attn [4, 12] element [2][5] is our [5][2]", () => {
    const native = nativeDict(config);
    const hf = nativeToHf(native, config);
    const ours = native["transformer.h.0.attn.c_attn.weight"]!;
    const theirs = hf["transformer.h.0.attn.c_attn.weight"]!;
    expect(theirs.shape).toEqual([4, 12]);
    expect(theirs.data[2 * 12 + 5]).toBe(ours.data[5 * 4 + 2]);
    expect(hf["transformer.h.1.mlp.c_proj.weight"]!.shape).toEqual([16, 4]);
    expect(hf["transformer.wte.weight"]!.data).toBe(native["transformer.wte.weight"]!.data); // shared, not copied
    expect(Object.keys(hf)).toHaveLength(Object.keys(native).length);
  });

  it("matches a PyTorch Conv1D forward: x·Wᵀ + b with our weight equals addmm(b, x, W_hf)", () => {
    const fixture = JSON.parse(readFileSync(new URL("../fixtures/gpt2-conv1d.json", import.meta.url), "utf8")) as Record<string, number[]> & { C: number };
    const C = fixture.C;
    const hf = nativeToHf(nativeDict({ ...config, nEmbd: C }), { ...config, nEmbd: C });
    hf["transformer.h.0.attn.c_attn.weight"] = { dtype: "F32", shape: [C, 3 * C], data: Float32Array.from(fixture.weight!) };
    const w = hfToNative(hf, { ...config, nEmbd: C })["transformer.h.0.attn.c_attn.weight"]!; // [3C, C]
    const x = fixture.x!;
    for (let row = 0; row < x.length / C; row++) {
      for (let o = 0; o < 3 * C; o++) {
        let sum = fixture.bias![o]!;
        for (let i = 0; i < C; i++) sum += x[row * C + i]! * w.data[o * C + i]!;
        expect(sum).toBeCloseTo(fixture.y![row * 3 * C + o]!, 5);
      }
    }
  });

  it("round-trips exactly, with or without the transformer. prefix", () => {
    const native = nativeDict(config);
    for (const prefix of ["transformer.", ""] as const) {
      const back = hfToNative(new Map(Object.entries(nativeToHf(native, config, { prefix }))), config);
      expect(back).toEqual(native);
    }
  });

  it("skips attention buffers and accepts a tied lm_head", () => {
    const hf: Record<string, Float32Tensor> = nativeToHf(nativeDict(config), config, { prefix: "", lmHead: true });
    hf["h.0.attn.bias"] = { dtype: "F32", shape: [1, 1, 8, 8], data: new Float32Array(64) };
    hf["h.1.attn.masked_bias"] = { dtype: "F32", shape: [], data: new Float32Array([-1e4]) };
    expect(hf["lm_head.weight"]!.shape).toEqual([10, 4]);
    expect(Object.keys(hfToNative(hf, config))).toHaveLength(nativeGpt2Shapes(config).size);
  });

  it("rejects an untied lm_head, naming the first differing element", () => {
    const hf = nativeToHf(nativeDict(config), config);
    const head = hf["transformer.wte.weight"]!.data.slice();
    head[7] = 99;
    hf["lm_head.weight"] = { dtype: "F32", shape: [10, 4], data: head };
    expect(() => hfToNative(hf, config)).toThrow(/"lm_head\.weight" differs from wte at element 7; only GPT-2 with a tied LM head is supported/);
  });

  it("names missing, mis-shaped and unexpected tensors", () => {
    const hf = nativeToHf(nativeDict(config), config);
    const { ["transformer.h.1.ln_2.weight"]: _dropped, ...missing } = hf;
    expect(() => hfToNative(missing, config)).toThrow(StateDictError);
    expect(() => hfToNative(missing, config)).toThrow(/missing tensors h\.1\.ln_2\.weight \(is this a GPT-2 model\.safetensors/);
    const misshaped = { ...hf, "transformer.h.0.mlp.c_fc.weight": { dtype: "F32" as const, shape: [16, 4], data: new Float32Array(64) } };
    expect(() => hfToNative(misshaped, config)).toThrow(ShapeError);
    expect(() => hfToNative(misshaped, config)).toThrow('"transformer.h.0.mlp.c_fc.weight" expected [4, 16], got [16, 4]');
    const extra = { ...hf, "score.weight": { shape: [2, 4], data: new Float32Array(8) } };
    expect(() => hfToNative(extra, config)).toThrow(/unexpected tensors score\.weight \(not part of GPT-2/);
    const fewerLayers = { ...config, nLayer: 1 };
    expect(() => hfToNative(hf, fewerLayers)).toThrow(/unexpected tensors transformer\.h\.1\.ln_1\.weight/);
    const f64 = { ...hf, "transformer.ln_f.weight": { shape: [4], data: new Float64Array(4) } };
    expect(() => hfToNative(f64, config)).toThrow(DTypeError);
    expect(() => nativeToHf({}, config)).toThrow(/nativeToHf: missing tensors transformer\.wte\.weight, transformer\.wpe\.weight/);
  });

  it("bias: false exports zero biases and drops them on import (non-zero biases are an error)", () => {
    const noBias = { ...config, bias: false };
    const hf = nativeToHf(nativeDict(noBias), noBias);
    expect(hf["transformer.h.0.attn.c_attn.bias"]!.data).toEqual(new Float32Array(12));
    expect(hf["transformer.ln_f.bias"]!.data).toEqual(new Float32Array(4));
    expect(hfToNative(hf, noBias)).toEqual(nativeDict(noBias));
    hf["transformer.ln_f.bias"] = { dtype: "F32", shape: [4], data: new Float32Array([0, 1, 0, 0]) };
    expect(() => hfToNative(hf, noBias)).toThrow(ConfigError);
  });

  it("exports a folder (config.json + model.safetensors) that imports back exactly", async () => {
    const native = nativeDict(config);
    await writeHfConfig(dir, config);
    await writeSafetensors(join(dir, "model.safetensors"), nativeToHf(native, config), { format: "pt" });
    const back = await readHfConfig(dir);
    expect(back).toEqual(config);
    expect(hfToNative(await readSafetensors(join(dir, "model.safetensors")), back)).toEqual(native);
  });
});
