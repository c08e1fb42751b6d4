import { Generator, add, arange, crossEntropy, matmul, reshape, type Backend, type Tensor } from "@adaptive-sparse/core";
import type { CausalLM, CausalLMOutput } from "../causal-lm.js";
import { checkTokenIds } from "../check-idx.js";
import { Embedding } from "../embedding.js";
import { generate, type GenerateOptions } from "../generate.js";
import { KVCache, cachedLastHidden } from "../kv-cache.js";
import { LayerNorm } from "../layer-norm.js";
import { Linear } from "../linear.js";
import { ModuleDict } from "../module-dict.js";
import { ModuleList } from "../module-list.js";
import { Module } from "../module.js";
import { OPTBlock } from "./opt-block.js";
import { parseOPTConfig, type OPTConfig, type OPTConfigInput } from "./opt-config.js";

/** Options of the {@link OPT} constructor. */
export interface OPTOptions {
  /** Seeded source for the initial weights (seed 0 when omitted). */
  generator?: Generator;
  /** Where the weights are made (core's default backend when omitted). */
  backend?: Backend;
  /** false: zero weights, filled on the device (a loader overwrites them at once). */
  init?: boolean;
}

/** The children of `OPT.model.decoder`, named as in Hugging Face's `OPTDecoder` (project_in/out and final_layer_norm by config). */
export interface OPTDecoder extends Record<string, Module> {
  embed_tokens: Embedding;
  embed_positions: Embedding;
  layers: ModuleList<OPTBlock>;
}

/** OPT's learned positions start at row 2 (rows 0 and 1 are a fairseq legacy, never read). */
export const OPT_POSITION_OFFSET = 2;

const PRUNABLE = /^model\.decoder\.layers\.\d+\.(self_attn\.(q_proj|k_proj|v_proj|out_proj)|fc1|fc2)$/;

/** OPT's prunable layers: q/k/v/out_proj, fc1 and fc2 of every layer (embeddings, projections and head stay dense). */
export function isOptPrunable(moduleName: string): boolean {
  return PRUNABLE.test(moduleName);
}

/**
 * OPT (Hugging Face `OPTForCausalLM`): token embedding of width `wordEmbedProjDim` (projected in to
 * `nEmbd` by `project_in` when they differ), learned positions read at position + 2, `nLayer` decoder
 * layers (pre- or post-LN), the decoder's final LayerNorm (pre-LN models only), `project_out` back to
 * the embedding width and an LM head tied to `embed_tokens`. Parameter names are Hugging Face's
 * (`model.decoder.layers.0.fc1.weight`).
 *
 * @example
 * const opt = new OPT({ vocabSize: 64, blockSize: 16, nLayer: 2, nEmbd: 32, nHead: 4, ffnDim: 64 }, { backend });
 */
export class OPT extends Module<[idx: Tensor, targets?: Tensor], CausalLMOutput> implements CausalLM {
  readonly modelType = "opt";
  readonly config: OPTConfig;
  readonly decoder: ModuleDict<OPTDecoder>;
  readonly lmHead: Linear | null;
  // The optional decoder children (they exist or not by config; never sparsified, so never replaced).
  readonly #projectIn: Linear | null;
  readonly #projectOut: Linear | null;
  readonly #finalLayerNorm: LayerNorm | null;

  /** @throws ConfigError for an invalid config (see {@link parseOPTConfig}) */
  constructor(config: OPTConfigInput, options: OPTOptions = {}) {
    super();
    this.config = parseOPTConfig(config);
    const { vocabSize, blockSize, nLayer, nEmbd, wordEmbedProjDim, doLayerNormBefore, removeFinalLayerNorm, tieWordEmbeddings } = this.config;
    const build = { generator: options.generator ?? new Generator(0), backend: options.backend, init: options.init ?? true };
    const backend = build.backend;
    const projected = wordEmbedProjDim !== nEmbd;
    this.#projectOut = projected ? new Linear(nEmbd, wordEmbedProjDim, { bias: false, std: 0.02, ...build }) : null;
    this.#projectIn = projected ? new Linear(wordEmbedProjDim, nEmbd, { bias: false, std: 0.02, ...build }) : null;
    this.#finalLayerNorm = doLayerNormBefore && !removeFinalLayerNorm ? new LayerNorm(nEmbd, { backend }) : null;
    // Hugging Face's registration order, so state dicts list tensors as its checkpoints do.
    const modules = {
      embed_tokens: new Embedding(vocabSize, wordEmbedProjDim, { std: 0.02, ...build }),
      embed_positions: new Embedding(blockSize + OPT_POSITION_OFFSET, nEmbd, { std: 0.02, ...build }),
      ...(this.#projectOut ? { project_out: this.#projectOut, project_in: this.#projectIn! } : {}),
      ...(this.#finalLayerNorm ? { final_layer_norm: this.#finalLayerNorm } : {}),
      layers: new ModuleList(Array.from({ length: nLayer }, () => new OPTBlock(this.config, build))),
    };
    this.decoder = new ModuleDict<OPTDecoder>(modules);
    this.registerModule("model", new ModuleDict({ decoder: this.decoder }));
    this.lmHead = tieWordEmbeddings ? null : this.registerModule("lm_head", new Linear(wordEmbedProjDim, vocabSize, { bias: false, std: 0.02, ...build }));
  }

  /** The decoder layers, `model.decoder.layers`. */
  get blocks(): ModuleList<OPTBlock> {
    return this.decoder.get("layers");
  }

  /** See {@link isOptPrunable}. */
  isPrunable(moduleName: string): boolean {
    return isOptPrunable(moduleName);
  }

  /** Token embeddings (projected in) + learned positions: [B, T, nEmbd]. `start`: positions already cached. */
  embed(idx: Tensor, start = 0): Tensor {
    const embedTokens = this.decoder.get("embed_tokens");
    checkTokenIds("OPT", idx, this.config.blockSize, embedTokens.weight, start);
    const projectIn = this.#projectIn;
    const tokens = embedTokens.call(idx);
    const first = OPT_POSITION_OFFSET + start;
    const positions = arange(first, first + idx.shape[1]!, 1, { backend: idx.backend });
    return add(projectIn ? projectIn.call(tokens) : tokens, this.decoder.get("embed_positions").call(positions));
  }

  /** An empty {@link KVCache} for {@link OPT.forwardCached}. */
  createCache(): KVCache {
    return new KVCache(this.config.nLayer);
  }

  /**
   * The next-token logits after `idx`, reusing the keys and values of the positions `cache` holds and adding
   * idx's (Hugging Face's forward with `past_key_values`): fill an empty cache with the prompt, then feed one
   * token at a time. Only the last position goes through the final LayerNorm, project_out and the LM head.
   * @param idx i32 [B, T]; T must be 1 once the cache holds positions
   * @returns logits [B, vocabSize] of idx's last position
   * @throws ShapeError past blockSize positions (crop and start a new cache), or for T > 1 after the first call
   */
  forwardCached(idx: Tensor, cache: KVCache): Tensor {
    let x = cachedLastHidden("OPT", idx, cache, (ids, start) => this.embed(ids, start), this.blocks); // (B, 1, C)
    if (this.#finalLayerNorm) x = this.#finalLayerNorm.call(x);
    if (this.#projectOut) x = this.#projectOut.call(x);
    const logits = this.lmHead ? this.lmHead.call(x) : matmul(x, this.decoder.get("embed_tokens").weight, { transB: true });
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
    if (this.#finalLayerNorm) x = this.#finalLayerNorm.call(x);
    if (this.#projectOut) x = this.#projectOut.call(x);
    const logits = this.lmHead ? this.lmHead.call(x) : matmul(x, this.decoder.get("embed_tokens").weight, { transB: true });
    if (!targets) return { logits };
    return { logits, loss: crossEntropy(logits, targets, { ignoreIndex: -1 }) };
  }

  /** Samples `maxNewTokens` after `idx` (i32 [B, T]), feeding back at most `blockSize` tokens. */
  generate(idx: Tensor, maxNewTokens: number, options: GenerateOptions = {}): Promise<Tensor> {
    return generate(this, idx, maxNewTokens, options);
  }
}
