import { add, type Tensor } from "@adaptive-sparse/core";
import type { LayerCache } from "../kv-cache.js";
import type { LayerBuild } from "../layer-build.js";
import { Module } from "../module.js";
import { RMSNorm } from "../rms-norm.js";
import type { RotaryEmbedding } from "../rotary.js";
import { LlamaAttention } from "./llama-attention.js";
import type { LlamaConfig } from "./llama-config.js";
import { LlamaMLP } from "./llama-mlp.js";

/** One LLaMA decoder layer: `x + self_attn(input_layernorm(x))`, then `x + mlp(post_attention_layernorm(x))`. */
export class LlamaBlock extends Module<[Tensor], Tensor> {
  readonly inputLayernorm: RMSNorm;
  readonly selfAttn: LlamaAttention;
  readonly postAttentionLayernorm: RMSNorm;
  readonly mlp: LlamaMLP;

  constructor(config: LlamaConfig, rotary: RotaryEmbedding, build: LayerBuild) {
    super();
    const [eps, backend] = [config.rmsNormEps, build.backend];
    this.inputLayernorm = this.registerModule("input_layernorm", new RMSNorm(config.nEmbd, { eps, backend }));
    this.selfAttn = this.registerModule("self_attn", new LlamaAttention(config, rotary, build));
    this.postAttentionLayernorm = this.registerModule("post_attention_layernorm", new RMSNorm(config.nEmbd, { eps, backend }));
    this.mlp = this.registerModule("mlp", new LlamaMLP(config, build));
  }

  /** @param x [B, T, C] @returns [B, T, C] */
  forward(x: Tensor): Tensor {
    const h = add(x, this.selfAttn.call(this.inputLayernorm.call(x)));
    return add(h, this.mlp.call(this.postAttentionLayernorm.call(h)));
  }

  /** The layer with its attention reading and extending `cache` (see LlamaAttention.forwardCached). */
  forwardCached(x: Tensor, cache: LayerCache): Tensor {
    const h = add(x, this.selfAttn.forwardCached(this.inputLayernorm.call(x), cache));
    return add(h, this.mlp.call(this.postAttentionLayernorm.call(h)));
  }
}
