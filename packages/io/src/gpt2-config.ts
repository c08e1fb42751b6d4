import { ConfigError } from "@adaptive-sparse/core";

/** GPT-2 hyperparameters in our (nanoGPT) naming. */
export interface Gpt2Config {
  nLayer: number;
  nHead: number;
  nEmbd: number;
  /** Context length (HF `n_positions`). */
  blockSize: number;
  vocabSize: number;
  dropout: number;
  /** Linear and LayerNorm biases; HF GPT-2 always has them. */
  bias: boolean;
}

/**
 * Throws a ConfigError unless `config` is a usable GPT-2 config.
 * @param where names the caller and the source, e.g. `readHfConfig: out/config.json`.
 */
export function assertGpt2Config(config: Gpt2Config, where: string): void {
  for (const key of ["nLayer", "nHead", "nEmbd", "blockSize", "vocabSize"] as const) {
    const value = config[key];
    if (!Number.isSafeInteger(value) || value <= 0) throw new ConfigError(`${where}: ${key} is ${String(value)}, expected a positive integer`);
  }
  if (config.nEmbd % config.nHead !== 0) {
    throw new ConfigError(`${where}: nEmbd (${config.nEmbd}) must be a multiple of nHead (${config.nHead}) so every head has the same width`);
  }
  if (typeof config.dropout !== "number" || !(config.dropout >= 0 && config.dropout < 1)) {
    throw new ConfigError(`${where}: dropout is ${String(config.dropout)}, expected a number in [0, 1)`);
  }
  if (typeof config.bias !== "boolean") throw new ConfigError(`${where}: bias is ${String(config.bias)}, expected true or false`);
}

/**
 * Every tensor of our GPT-2 state dict with its shape, in model order. The LM head is tied to
 * `transformer.wte.weight`, so it has no entry; with `bias: false` there are no bias tensors.
 *
 * @example
 * nativeGpt2Shapes({ nLayer: 1, nHead: 2, nEmbd: 8, blockSize: 16, vocabSize: 50, dropout: 0, bias: true })
 *   .get("transformer.h.0.attn.c_attn.weight"); // [24, 8]
 */
export function nativeGpt2Shapes(config: Gpt2Config): Map<string, number[]> {
  const { nLayer, nEmbd: c, blockSize, vocabSize, bias } = config;
  const shapes = new Map<string, number[]>();
  const add = (name: string, weight: number[], hasBias = true) => {
    shapes.set(`${name}.weight`, weight);
    if (bias && hasBias) shapes.set(`${name}.bias`, [weight[0]!]);
  };
  add("transformer.wte", [vocabSize, c], false);
  add("transformer.wpe", [blockSize, c], false);
  for (let i = 0; i < nLayer; i++) {
    const h = `transformer.h.${i}`;
    add(`${h}.ln_1`, [c]);
    add(`${h}.attn.c_attn`, [3 * c, c]); // [out, in], as nn.Linear stores it
    add(`${h}.attn.c_proj`, [c, c]);
    add(`${h}.ln_2`, [c]);
    add(`${h}.mlp.c_fc`, [4 * c, c]);
    add(`${h}.mlp.c_proj`, [c, 4 * c]);
  }
  add("transformer.ln_f", [c]);
  return shapes;
}
