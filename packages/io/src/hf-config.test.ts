import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "@adaptive-sparse/core";
import { FileFormatError, FileMissingError } from "./errors.js";
import { readHfConfig, writeHfConfig } from "./hf-config.js";

// The fields of Hugging Face's `gpt2` (124M) config.json that matter here.
const GPT2_SMALL = {
  activation_function: "gelu_new",
  architectures: ["GPT2LMHeadModel"],
  attn_pdrop: 0.1,
  embd_pdrop: 0.1,
  layer_norm_epsilon: 1e-5,
  model_type: "gpt2",
  n_ctx: 1024,
  n_embd: 768,
  n_head: 12,
  n_layer: 12,
  n_positions: 1024,
  resid_pdrop: 0.1,
  vocab_size: 50257,
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "io-hfc-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const withConfig = async (config: object) => {
  await writeFile(join(dir, "config.json"), JSON.stringify(config));
  return dir;
};

describe("readHfConfig / writeHfConfig", () => {
  it("maps GPT-2 small's config.json", async () => {
    expect(await readHfConfig(await withConfig(GPT2_SMALL))).toEqual({ nLayer: 12, nHead: 12, nEmbd: 768, blockSize: 1024, vocabSize: 50257, dropout: 0.1, bias: true });
  });

  it("writes the HF keys and reads them back", async () => {
    const config = { nLayer: 2, nHead: 4, nEmbd: 64, blockSize: 128, vocabSize: 50304, dropout: 0, bias: true };
    await writeHfConfig(dir, config);
    const raw = JSON.parse(await readFile(join(dir, "config.json"), "utf8"));
    expect(raw).toMatchObject({ architectures: ["GPT2LMHeadModel"], model_type: "gpt2", n_layer: 2, n_head: 4, n_embd: 64, n_positions: 128, vocab_size: 50304, layer_norm_epsilon: 1e-5, activation_function: "gelu_new", resid_pdrop: 0 });
    expect(await readHfConfig(dir)).toEqual(config);
    await expect(writeHfConfig(dir, { ...config, nHead: 3 })).rejects.toThrow(/nEmbd \(64\) must be a multiple of nHead \(3\)/);
  });

  it("explains a folder without config.json, and bad JSON", async () => {
    await expect(readHfConfig(join(dir, "nowhere"))).rejects.toThrow(FileMissingError);
    await expect(readHfConfig(dir)).rejects.toThrow(`readHfConfig: no config.json in ${dir} (a Hugging Face model folder holds config.json and model.safetensors; check the path)`);
    await writeFile(join(dir, "config.json"), "{");
    await expect(readHfConfig(dir)).rejects.toThrow(FileFormatError);
  });

  it("rejects other model types and architectures, listing what is supported", async () => {
    await expect(readHfConfig(await withConfig({ ...GPT2_SMALL, model_type: "llama" }))).rejects.toThrow(
      /model_type "llama" is not supported \(supported: model_type "gpt2" with architectures GPT2LMHeadModel or GPT2Model\)/,
    );
    await expect(readHfConfig(await withConfig({ ...GPT2_SMALL, architectures: ["GPT2ForSequenceClassification"] }))).rejects.toThrow(
      /architectures \["GPT2ForSequenceClassification"\] are not supported/,
    );
  });

  it("rejects settings our GPT-2 does not implement, and missing sizes", async () => {
    await expect(readHfConfig(await withConfig({ ...GPT2_SMALL, activation_function: "relu" }))).rejects.toThrow(/activation_function "relu" is not supported \(valid: gelu_new, gelu_pytorch_tanh\)/);
    await expect(readHfConfig(await withConfig({ ...GPT2_SMALL, layer_norm_epsilon: 1e-6 }))).rejects.toThrow(ConfigError);
    await expect(readHfConfig(await withConfig({ ...GPT2_SMALL, n_inner: 1000 }))).rejects.toThrow(/n_inner 1000 is not supported/);
    const { n_head: _nHead, ...noHeads } = GPT2_SMALL;
    await expect(readHfConfig(await withConfig(noHeads))).rejects.toThrow(/missing "n_head"/);
    await expect(readHfConfig(await withConfig({ ...GPT2_SMALL, n_layer: 0 }))).rejects.toThrow(/nLayer is 0, expected a positive integer/);
  });
});
