import { BackendError, DTypeError, Generator, ShapeError, add, arange, crossEntropy, formatShape, matmul, reshape, type Backend, type Tensor } from "@adaptive-sparse/core";
import { Block } from "./block.js";
import { CausalSelfAttention } from "./causal-self-attention.js";
import type { CausalLM, CausalLMOutput } from "./causal-lm.js";
import { Dropout } from "./dropout.js";
import { Embedding } from "./embedding.js";
import { generate, type GenerateOptions } from "./generate.js";
import { KVCache, cachedLastHidden } from "./kv-cache.js";
import { parseGPTConfig, type GPTConfig, type GPTConfigInput } from "./gpt-config.js";
import { isGptSparseLayer } from "./gpt-sparse-layers.js";
import { LayerNorm } from "./layer-norm.js";
import { LengthCache } from "./length-cache.js";
import { ModuleDict } from "./module-dict.js";
import { ModuleList } from "./module-list.js";
import { Module } from "./module.js";

/** Options of the {@link GPT} constructor. */
export interface GPTOptions {
  /** Seeded source for the initial weights (seed 0 when omitted). */
  generator?: Generator;
  /** Source of dropout masks (seed 1 when omitted); only used when `config.dropout > 0` in training mode. */
  dropoutGenerator?: Generator;
  /** Where the weights are made (core's default backend when omitted); move later with `await gpt.to(backend)`. */
  backend?: Backend;
  /** false: zero weights, filled on the device (a loader overwrites them at once; random init costs ~0.14 s per million values). */
  init?: boolean;
}

/** What {@link GPT.forward} returns: the {@link CausalLMOutput} of every causal LM. */
export type GPTOutput = CausalLMOutput;

/** The children of `GPT.transformer`, named as in nanoGPT. */
export interface GPTTransformer extends Record<string, Module> {
  wte: Embedding;
  wpe: Embedding;
  drop: Dropout;
  h: ModuleList<Block>;
  ln_f: LayerNorm;
}

/**
 * GPT-2 as in nanoGPT: token + learned position embeddings, `nLayer` pre-LN blocks, a final
 * LayerNorm and an LM head tied to the token embedding (`logits = x · wteᵀ`, no separate tensor).
 * Parameter names match nanoGPT (`transformer.wte.weight`, `transformer.h.0.attn.c_attn.weight`, …).
 * Init: N(0, 0.02²) for Linear and Embedding weights, residual projections (`c_proj`) scaled by
 * 1/√(2·nLayer), zero biases, LayerNorm ones/zeros.
 *
 * The {@link CausalLM} of the `gpt2` family.
 *
 * @example
 * const gpt = new GPT({ nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 16, vocabSize: 64 }, { backend });
 * const { logits, loss } = gpt.forward(idx, targets); // idx, targets: i32 [B, T] on the same backend
 */
export class GPT extends Module<[idx: Tensor, targets?: Tensor], GPTOutput> implements CausalLM {
  readonly modelType = "gpt2";
  readonly config: GPTConfig;
  readonly transformer: ModuleDict<GPTTransformer>;
  readonly #positions = new LengthCache();

  /** @throws ConfigError for an invalid config (see {@link parseGPTConfig}) */
  constructor(config: GPTConfigInput, options: GPTOptions = {}) {
    super();
    this.config = parseGPTConfig(config);
    const { nLayer, nHead, nEmbd, blockSize, vocabSize, dropout, bias } = this.config;
    const generator = options.generator ?? new Generator(0);
    const dropoutGenerator = options.dropoutGenerator ?? new Generator(1);
    const { backend, init = true } = options;
    const blockOptions = { nEmbd, nHead, nLayer, bias, dropout, generator, dropoutGenerator, backend, init };
    this.transformer = this.registerModule(
      "transformer",
      new ModuleDict<GPTTransformer>({
        wte: new Embedding(vocabSize, nEmbd, { generator, std: 0.02, backend, init }),
        wpe: new Embedding(blockSize, nEmbd, { generator, std: 0.02, backend, init }),
        drop: new Dropout(dropout, dropoutGenerator),
        h: new ModuleList(Array.from({ length: nLayer }, () => new Block(blockOptions))),
        ln_f: new LayerNorm(nEmbd, { bias, backend }),
      }),
    );
  }

  /** The transformer blocks, `transformer.h`. */
  get blocks(): ModuleList<Block> {
    return this.transformer.get("h");
  }

  /** GPT-2's prunable layers: c_attn, attn.c_proj, c_fc and mlp.c_proj of every block ({@link GPT_SPARSE_LAYERS}). */
  isPrunable(moduleName: string): boolean {
    return isGptSparseLayer(moduleName);
  }

  /**
   * Token + position embeddings after dropout: block 0's input.
   * @param idx i32 [B, T] token ids, T <= blockSize
   * @param start the position of idx's first token (a KV-cached decode's cached length; 0 otherwise)
   * @returns [B, T, nEmbd]
   * @throws DTypeError / ShapeError for a bad idx (the message says what is expected)
   */
  embed(idx: Tensor, start = 0): Tensor {
    if (idx.dtype !== "i32") throw new DTypeError(`GPT.forward: idx has dtype ${idx.dtype}, expected i32 token ids`);
    if (idx.rank !== 2) throw new ShapeError(`GPT.forward: idx is ${formatShape(idx.shape)}; expected [B, T]`);
    const T = idx.shape[1];
    if (start + T > this.config.blockSize) {
      const what = start ? `${start} cached positions and ${T} new ones exceed` : `sequence length ${T} exceeds`;
      throw new ShapeError(`GPT.forward: ${what} blockSize ${this.config.blockSize}; crop idx to its last ${this.config.blockSize} tokens${start ? " and start a new cache" : ""}`);
    }
    const wte = this.transformer.get("wte");
    if (idx.backend !== wte.weight.backend) {
      throw new BackendError(`GPT.forward: idx lives on backend "${idx.backend.name}" but the model on "${wte.weight.backend.name}"; make idx with { backend } or move it with await idx.to(backend)`);
    }
    const pos = start === 0 ? this.#positions.get(T, idx.backend, () => arange(0, T, 1, { backend: idx.backend })) : arange(start, start + T, 1, { backend: idx.backend }); // (T)
    return this.transformer.get("drop").call(add(wte.call(idx), this.transformer.get("wpe").call(pos))); // (B, T, C) + (T, C) -> (B, T, C)
  }

  /** An empty {@link KVCache} for {@link GPT.forwardCached}. */
  createCache(): KVCache {
    return new KVCache(this.config.nLayer);
  }

  /**
   * The next-token logits after `idx`, reusing the keys and values of the positions `cache` holds and adding
   * idx's (Hugging Face's forward with `past_key_values`): fill an empty cache with the prompt, then feed one
   * token at a time. Only the last position goes through the LM head.
   * @param idx i32 [B, T]; T must be 1 once the cache holds positions
   * @returns logits [B, vocabSize] of idx's last position
   * @throws ShapeError past blockSize positions (crop and start a new cache), or for T > 1 after the first call
   */
  forwardCached(idx: Tensor, cache: KVCache): Tensor {
    const last = this.transformer.get("ln_f").call(cachedLastHidden("GPT", idx, cache, (ids, start) => this.embed(ids, start), this.blocks)); // (B, 1, C)
    return reshape(matmul(last, this.transformer.get("wte").weight, { transB: true }), [idx.shape[0]!, this.config.vocabSize]); // (B, V)
  }

  /**
   * @param idx i32 [B, T] token ids, T <= blockSize
   * @param targets i32 [B, T] next-token ids; −1 marks positions to ignore
   * @returns logits [B, T, vocabSize] and, with targets, the scalar mean cross-entropy
   * @throws DTypeError / ShapeError for a bad idx (the message says what is expected)
   */
  forward(idx: Tensor, targets?: Tensor): GPTOutput {
    const wte = this.transformer.get("wte");
    let x = this.embed(idx);
    for (const block of this.blocks) x = block.call(x);
    x = this.transformer.get("ln_f").call(x);
    const logits = matmul(x, wte.weight, { transB: true }); // (B, T, V): the LM head is tied to wte
    if (!targets) return { logits };
    return { logits, loss: crossEntropy(logits, targets, { ignoreIndex: -1 }) };
  }

  /**
   * Samples `maxNewTokens` tokens after `idx`, feeding back at most the last `blockSize` tokens.
   * Runs without gradients; the current train/eval mode is kept (call `eval()` first to disable dropout).
   * @param idx i32 [B, T] prompt
   * @returns i32 [B, T + maxNewTokens]
   */
  generate(idx: Tensor, maxNewTokens: number, options: GenerateOptions = {}): Promise<Tensor> {
    return generate(this, idx, maxNewTokens, options);
  }

  /** Parameter count; with `nonEmbedding` the position embedding is left out (nanoGPT's convention). */
  override numParameters(options: { nonEmbedding?: boolean } = {}): number {
    const total = super.numParameters();
    return options.nonEmbedding ? total - this.transformer.get("wpe").weight.size : total;
  }

  /** Frees parameters, buffers and the cached position ids and causal masks. */
  override dispose(): void {
    super.dispose();
    this.#positions.dispose();
    for (const [, module] of this.namedModules()) if (module instanceof CausalSelfAttention) module.releaseCache();
  }
}
