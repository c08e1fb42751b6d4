import type { LlamaConfig, OPTConfig } from "@adaptive-sparse/nn";

// Our parameter names are Hugging Face's for these families, so one list serves both directions.

/** Every parameter of a LLaMA-family model from its config, name -> shape, in Hugging Face's order. */
export function llamaShapes(config: LlamaConfig): Map<string, number[]> {
  const { vocabSize: V, nEmbd: C, nLayer, nHead, nKvHead, headDim: hd, intermediateSize: I, qkvBias, oBias, mlpBias, tieWordEmbeddings } = config;
  const shapes = new Map<string, number[]>();
  const linear = (name: string, out: number, inF: number, bias: boolean) => {
    shapes.set(`${name}.weight`, [out, inF]);
    if (bias) shapes.set(`${name}.bias`, [out]);
  };
  shapes.set("model.embed_tokens.weight", [V, C]);
  for (let i = 0; i < nLayer; i++) {
    const l = `model.layers.${i}`;
    linear(`${l}.self_attn.q_proj`, nHead * hd, C, qkvBias);
    linear(`${l}.self_attn.k_proj`, nKvHead * hd, C, qkvBias);
    linear(`${l}.self_attn.v_proj`, nKvHead * hd, C, qkvBias);
    linear(`${l}.self_attn.o_proj`, C, nHead * hd, oBias);
    linear(`${l}.mlp.gate_proj`, I, C, mlpBias);
    linear(`${l}.mlp.up_proj`, I, C, mlpBias);
    linear(`${l}.mlp.down_proj`, C, I, mlpBias);
    shapes.set(`${l}.input_layernorm.weight`, [C]);
    shapes.set(`${l}.post_attention_layernorm.weight`, [C]);
  }
  shapes.set("model.norm.weight", [C]);
  if (!tieWordEmbeddings) shapes.set("lm_head.weight", [V, C]);
  return shapes;
}

/** Every parameter of an OPT model from its config, name -> shape, in Hugging Face's order. */
export function optShapes(config: OPTConfig): Map<string, number[]> {
  const { vocabSize: V, nEmbd: C, nLayer, ffnDim: F, wordEmbedProjDim: P, blockSize, enableBias, doLayerNormBefore, removeFinalLayerNorm, tieWordEmbeddings } = config;
  const shapes = new Map<string, number[]>();
  const d = "model.decoder";
  const linear = (name: string, out: number, inF: number, bias: boolean) => {
    shapes.set(`${name}.weight`, [out, inF]);
    if (bias) shapes.set(`${name}.bias`, [out]);
  };
  const layerNorm = (name: string) => {
    shapes.set(`${name}.weight`, [C]);
    shapes.set(`${name}.bias`, [C]);
  };
  shapes.set(`${d}.embed_tokens.weight`, [V, P]);
  shapes.set(`${d}.embed_positions.weight`, [blockSize + 2, C]);
  if (P !== C) {
    linear(`${d}.project_out`, P, C, false);
    linear(`${d}.project_in`, C, P, false);
  }
  if (doLayerNormBefore && !removeFinalLayerNorm) layerNorm(`${d}.final_layer_norm`);
  for (let i = 0; i < nLayer; i++) {
    const l = `${d}.layers.${i}`;
    for (const p of ["k_proj", "v_proj", "q_proj", "out_proj"]) linear(`${l}.self_attn.${p}`, C, C, enableBias);
    layerNorm(`${l}.self_attn_layer_norm`);
    linear(`${l}.fc1`, F, C, enableBias);
    linear(`${l}.fc2`, C, F, enableBias);
    layerNorm(`${l}.final_layer_norm`);
  }
  if (!tieWordEmbeddings) shapes.set("lm_head.weight", [V, P]);
  return shapes;
}
