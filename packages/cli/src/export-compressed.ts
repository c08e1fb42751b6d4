import { noGrad } from "@adaptive-sparse/core";
import type { Tokenizer } from "@adaptive-sparse/data";
import { writeCompressed24 } from "@adaptive-sparse/io";
import type { GPT, SparseLayerEntry } from "@adaptive-sparse/nn";
import { tokenizerFile } from "./tokenizers.js";

/**
 * Writes a pruned model in the compressed 2:4 format: each sparse layer as kept values plus 2-bit indices
 * (exact round trip), every other parameter (embeddings, LayerNorms, biases, SLoRB S and P) as plain
 * tensors, and the GPT config and tokenizer in the metadata.
 */
export async function exportCompressed24(path: string, result: { model: GPT; layers: readonly SparseLayerEntry[] }, tokenizer: Tokenizer): Promise<void> {
  const sparseWeights = new Set(result.layers.map(({ name }) => `${name}.weight`));
  const layers: Record<string, { weight: Float32Array; rows: number; cols: number }> = {};
  const extra: Record<string, { dtype: "F32"; shape: number[]; data: Float32Array }> = {};
  noGrad(() => {
    for (const { name, layer } of result.layers) {
      const effective = layer.effectiveWeight();
      layers[name] = { weight: Float32Array.from(effective.dataSync()), rows: layer.weight.shape[0], cols: layer.weight.shape[1] };
      effective.dispose();
    }
    for (const [name, parameter] of result.model.namedParameters()) {
      if (!sparseWeights.has(name)) extra[name] = { dtype: "F32", shape: [...parameter.shape], data: Float32Array.from(parameter.dataSync()) };
    }
  });
  await writeCompressed24(path, layers, extra, { config: JSON.stringify(result.model.config), tokenizer: JSON.stringify(tokenizerFile(tokenizer)) });
}
