import { add, relu, type Tensor } from "@adaptive-sparse/core";
import type { LinearLayer } from "../causal-self-attention.js";
import type { LayerCache } from "../kv-cache.js";
import type { LayerBuild } from "../layer-build.js";
import { LayerNorm } from "../layer-norm.js";
import { Linear } from "../linear.js";
import { Module } from "../module.js";
import { OPTAttention } from "./opt-attention.js";
import type { OPTConfig } from "./opt-config.js";

/**
 * One OPT decoder layer (Hugging Face `OPTDecoderLayer`) with a ReLU MLP (fc1, fc2). Pre-LN
 * (`doLayerNormBefore`): `x + attn(ln(x))`, `x + fc2(relu(fc1(ln(x))))`; post-LN: `ln(x + attn(x))`,
 * `ln(x + fc2(relu(fc1(x))))`.
 */
export class OPTBlock extends Module<[Tensor], Tensor> {
  readonly selfAttn: OPTAttention;
  readonly selfAttnLayerNorm: LayerNorm;
  readonly finalLayerNorm: LayerNorm;
  readonly preLN: boolean;

  constructor(config: OPTConfig, build: LayerBuild) {
    super();
    const { nEmbd, ffnDim, enableBias: bias } = config;
    const backend = build.backend;
    this.preLN = config.doLayerNormBefore;
    this.selfAttn = this.registerModule("self_attn", new OPTAttention(config, build));
    this.selfAttnLayerNorm = this.registerModule("self_attn_layer_norm", new LayerNorm(nEmbd, { backend }));
    this.registerModule("fc1", new Linear(nEmbd, ffnDim, { bias, std: 0.02, ...build }));
    this.registerModule("fc2", new Linear(ffnDim, nEmbd, { bias, std: 0.02, ...build }));
    this.finalLayerNorm = this.registerModule("final_layer_norm", new LayerNorm(nEmbd, { backend }));
  }

  /** The live MLP layer `fc1` or `fc2` (sparse after `sparsify`). */
  fc(name: "fc1" | "fc2"): LinearLayer {
    return this.child(name);
  }

  /** @param x [B, T, C] @returns [B, T, C] */
  forward(x: Tensor): Tensor {
    return this.#layer(x, (t) => this.selfAttn.call(t));
  }

  /** The layer with its attention reading and extending `cache` (see OPTAttention.forwardCached). */
  forwardCached(x: Tensor, cache: LayerCache): Tensor {
    return this.#layer(x, (t) => this.selfAttn.forwardCached(t, cache));
  }

  #layer(x: Tensor, attend: (t: Tensor) => Tensor): Tensor {
    const attnNorm = (t: Tensor) => this.selfAttnLayerNorm.call(t);
    const mlpNorm = (t: Tensor) => this.finalLayerNorm.call(t);
    const mlp = (t: Tensor) => this.fc("fc2").call(relu(this.fc("fc1").call(t)));
    if (this.preLN) {
      const h = add(x, attend(attnNorm(x)));
      return add(h, mlp(mlpNorm(h)));
    }
    const h = attnNorm(add(x, attend(x)));
    return mlpNorm(add(h, mlp(h)));
  }
}
