import { Generator, crossEntropy, matmul, reshape, type Backend, type Tensor } from "@adaptive-sparse/core";
import type { CausalLM, CausalLMOutput } from "../causal-lm.js";
import { checkTokenIds } from "../check-idx.js";
import { Embedding } from "../embedding.js";
import { KVCache, cachedLastHidden } from "../kv-cache.js";
import { generate, type GenerateOptions } from "../generate.js";
import { Linear } from "../linear.js";
import { ModuleDict } from "../module-dict.js";
import { ModuleList } from "../module-list.js";
import { Module } from "../module.js";
import { RMSNorm } from "../rms-norm.js";
import { RotaryEmbedding } from "../rotary.js";
import { LlamaBlock } from "./llama-block.js";
import { parseLlamaConfig, type LlamaConfig, type LlamaConfigInput } from "./llama-config.js";

/** Options of the {@link Llama} constructor. */
export interface LlamaOptions {
  /** Seeded source for the initial weights (seed 0 when omitted). */
  generator?: Generator;
  /** Where the weights are made (core's default backend when omitted). */
  backend?: Backend;
  /** false: zero weights, filled on the device (a loader overwrites them at once; random init costs ~0.14 s per million values). */
  init?: boolean;
}

/** The children of `Llama.model`, named as in Hugging Face's `LlamaModel`. */
export interface LlamaBody extends Record<string, Module> {
  embed_tokens: Embedding;
  layers: ModuleList<LlamaBlock>;
  norm: RMSNorm;
}

const PRUNABLE = /^model\.layers\.\d+\.(self_attn\.[qkvo]_proj|mlp\.(gate|up|down)_proj)$/;

/** LLaMA's prunable layers: q/k/v/o_proj and gate/up/down_proj of every layer (embeddings and head stay dense). */
export function isLlamaPrunable(moduleName: string): boolean {
  return PRUNABLE.test(moduleName);
}

/**
 * The LLaMA architecture (Hugging Face `LlamaForCausalLM`; Mistral and Qwen2 share it): token embedding,
 * `nLayer` pre-RMSNorm blocks with rotary grouped-query attention and a SwiGLU MLP, a final RMSNorm and
 * an LM head (`lm_head`, or tied to `embed_tokens`). Parameter names are Hugging Face's
 * (`model.layers.0.self_attn.q_proj.weight`), so a checkpoint maps one to one. Init: N(0, 0.02²) for
 * Linear and Embedding weights, zero biases, RMSNorm ones. Mistral's sliding window is not applied:
 * io caps `blockSize` at the window, where full attention is the same computation.
 *
 * @example
 * const llama = new Llama({ vocabSize: 64, blockSize: 16, nLayer: 2, nEmbd: 32, nHead: 4, nKvHead: 2, intermediateSize: 64 }, { backend });
 * const { logits } = llama.forward(idx); // idx: i32 [B, T]
 */
export class Llama extends Module<[idx: Tensor, targets?: Tensor], CausalLMOutput> implements CausalLM {
  readonly config: LlamaConfig;
  readonly model: ModuleDict<LlamaBody>;
  readonly lmHead: Linear | null;
  readonly rotary: RotaryEmbedding;

  /** @throws ConfigError for an invalid config (see {@link parseLlamaConfig}) */
  constructor(config: LlamaConfigInput, options: LlamaOptions = {}) {
    super();
    this.config = parseLlamaConfig(config);
    const { vocabSize, nEmbd, nLayer, headDim, blockSize, ropeTheta, ropeScaling, rmsNormEps, tieWordEmbeddings } = this.config;
    const build = { generator: options.generator ?? new Generator(0), backend: options.backend, init: options.init ?? true };
    const backend = build.backend;
    this.rotary = new RotaryEmbedding(headDim, blockSize, ropeTheta, ropeScaling);
    this.model = this.registerModule(
      "model",
      new ModuleDict<LlamaBody>({
        embed_tokens: new Embedding(vocabSize, nEmbd, { std: 0.02, ...build }),
        layers: new ModuleList(Array.from({ length: nLayer }, () => new LlamaBlock(this.config, this.rotary, build))),
        norm: new RMSNorm(nEmbd, { eps: rmsNormEps, backend }),
      }),
    );
    this.lmHead = tieWordEmbeddings ? null : this.registerModule("lm_head", new Linear(nEmbd, vocabSize, { bias: false, std: 0.02, ...build }));
  }

  /** Hugging Face `model_type` the config names (`llama`, `mistral` or `qwen2`). */
  get modelType(): string {
    return this.config.modelType;
  }

  /** The decoder layers, `model.layers`. */
  get blocks(): ModuleList<LlamaBlock> {
    return this.model.get("layers");
  }

  /** See {@link isLlamaPrunable}. */
  isPrunable(moduleName: string): boolean {
    return isLlamaPrunable(moduleName);
  }

  /** Token embeddings (positions enter in each attention layer, by rotation): [B, T, nEmbd]. `start`: positions already cached. */
  embed(idx: Tensor, start = 0): Tensor {
    const embedTokens = this.model.get("embed_tokens");
    checkTokenIds("Llama", idx, this.config.blockSize, embedTokens.weight, start);
    return embedTokens.call(idx);
  }

  /** An empty {@link KVCache} for {@link Llama.forwardCached} (keys after rotation, [B, nKvHead, 1, T, headDim]). */
  createCache(): KVCache {
    return new KVCache(this.config.nLayer, 3);
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
    const last = this.model.get("norm").call(cachedLastHidden("Llama", idx, cache, (ids, start) => this.embed(ids, start), this.blocks)); // (B, 1, C)
    const logits = this.lmHead ? this.lmHead.call(last) : matmul(last, this.model.get("embed_tokens").weight, { transB: true });
    return reshape(logits, [idx.shape[0]!, this.config.vocabSize]); // (B, V)
  }

  /**
   * @param idx i32 [B, T] token ids, T <= blockSize
   * @param targets i32 [B, T] next-token ids; −1 marks positions to ignore
   * @returns logits [B, T, vocabSize] and, with targets, the mean cross-entropy
   */
  forward(idx: Tensor, targets?: Tensor): CausalLMOutput {
    let x = this.embed(idx);
    for (const block of this.blocks) x = block.call(x);
    x = this.model.get("norm").call(x);
    const logits = this.lmHead ? this.lmHead.call(x) : matmul(x, this.model.get("embed_tokens").weight, { transB: true });
    if (!targets) return { logits };
    return { logits, loss: crossEntropy(logits, targets, { ignoreIndex: -1 }) };
  }

  /** Samples `maxNewTokens` after `idx` (i32 [B, T]), feeding back at most `blockSize` tokens. */
  generate(idx: Tensor, maxNewTokens: number, options: GenerateOptions = {}): Promise<Tensor> {
    return generate(this, idx, maxNewTokens, options);
  }

  /** Frees parameters and the rotary tables. */
  override dispose(): void {
    super.dispose();
    this.rotary.dispose();
  }
}
