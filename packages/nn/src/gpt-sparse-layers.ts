/**
 * The GPT-2 linear layers N:M sparsity applies to, as module-name suffixes (method.md §1.3): the four
 * Linears of every block. The embeddings, the tied LM head, LayerNorms and biases stay dense. The
 * suffixes hold for nanoGPT names (`transformer.h.0.attn.c_attn`) and Hugging Face ones (`h.0.attn.c_attn`,
 * where these layers are the Conv1D ones).
 */
export const GPT_SPARSE_LAYERS = ["attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"] as const;

const endsWithLayer = (name: string, suffix: string) => GPT_SPARSE_LAYERS.some((layer) => name === layer + suffix || name.endsWith(`.${layer}${suffix}`));

/** Whether a dotted module name (`transformer.h.3.mlp.c_fc`) is one of {@link GPT_SPARSE_LAYERS}. */
export function isGptSparseLayer(moduleName: string): boolean {
  return endsWithLayer(moduleName, "");
}

/** Whether a parameter name (`transformer.h.3.mlp.c_fc.weight`, or HF's `h.3.mlp.c_fc.weight`) is a sparse layer's weight. */
export function isGptSparseWeight(parameterName: string): boolean {
  return endsWithLayer(parameterName, ".weight");
}
