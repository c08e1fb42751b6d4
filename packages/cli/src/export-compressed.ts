import { noGrad } from "@adaptive-sparse/core";
import type { Tokenizer } from "@adaptive-sparse/data";
import { writeCompressed24 } from "@adaptive-sparse/io";
import type { CausalLM, SparseLayerEntry } from "@adaptive-sparse/nn";
import { tokenizerFile } from "./tokenizers.js";

/**
 * Writes a pruned model in the compressed 2:4 format: each sparse layer as kept values plus 2-bit indices
 * (exact round trip), every other parameter (embeddings, LayerNorms, biases, SLoRB S and P) as plain
 * tensors, and the model config and tokenizer in the metadata. Reads are async (every backend).
 */
export async function exportCompressed24(path: string, result: { model: CausalLM; layers: readonly SparseLayerEntry[] }, tokenizer: Tokenizer): Promise<void> {
  const sparseWeights = new Set(result.layers.map(({ name }) => `${name}.weight`));
  const layers: Record<string, { weight: Float32Array; rows: number; cols: number }> = {};
  const extra: Record<string, { dtype: "F32"; shape: number[]; data: Float32Array }> = {};
  for (const { name, layer } of result.layers) {
    const effective = noGrad(() => layer.effectiveWeight());
    try {
      layers[name] = { weight: Float32Array.from(await effective.data()), rows: layer.weight.shape[0], cols: layer.weight.shape[1] };
    } finally {
      effective.dispose();
    }
  }
  for (const [name, parameter] of result.model.namedParameters()) {
    if (!sparseWeights.has(name)) extra[name] = { dtype: "F32", shape: [...parameter.shape], data: Float32Array.from(await parameter.data()) };
  }
  await writeCompressed24(path, layers, extra, { config: JSON.stringify(result.model.config), tokenizer: JSON.stringify(tokenizerFile(tokenizer)) });
}
