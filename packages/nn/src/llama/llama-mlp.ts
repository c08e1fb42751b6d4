import { mul, silu, type Tensor } from "@adaptive-sparse/core";
import type { LinearLayer } from "../causal-self-attention.js";
import type { LayerBuild } from "../layer-build.js";
import { Linear } from "../linear.js";
import { Module } from "../module.js";
import type { LlamaConfig } from "./llama-config.js";

/** LLaMA's SwiGLU feed-forward block: `down_proj(silu(gate_proj(x)) ⊙ up_proj(x))`. */
export class LlamaMLP extends Module<[Tensor], Tensor> {
  constructor(config: LlamaConfig, build: LayerBuild) {
    super();
    const { nEmbd, intermediateSize, mlpBias: bias } = config;
    this.registerModule("gate_proj", new Linear(nEmbd, intermediateSize, { bias, std: 0.02, ...build }));
    this.registerModule("up_proj", new Linear(nEmbd, intermediateSize, { bias, std: 0.02, ...build }));
    this.registerModule("down_proj", new Linear(intermediateSize, nEmbd, { bias, std: 0.02, ...build }));
  }

  /** The live projection named `gate_proj`, `up_proj` or `down_proj` (sparse after `sparsify`). */
  projection(name: "gate_proj" | "up_proj" | "down_proj"): LinearLayer {
    return this.child(name);
  }

  /** @param x [B, T, C] @returns [B, T, C] */
  forward(x: Tensor): Tensor {
    const hidden = mul(silu(this.projection("gate_proj").call(x)), this.projection("up_proj").call(x)); // (B, T, I)
    return this.projection("down_proj").call(hidden);
  }
}
