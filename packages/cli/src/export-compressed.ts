import { noGrad } from "@adaptive-sparse/core";
import type { Tokenizer } from "@adaptive-sparse/data";
import { writeCompressed24, type Compressed24LayerInput, type DeferredTensor } from "@adaptive-sparse/io";
import type { CausalLM, SparseLayerEntry } from "@adaptive-sparse/nn";
import { tokenizerFile } from "./tokenizers.js";

/**
 * Writes a pruned model in the compressed 2:4 format: each sparse layer as kept values plus 2-bit indices
 * (exact round trip), every other parameter (embeddings, LayerNorms, biases, SLoRB S and P) as plain
 * tensors, and the model config and tokenizer in the metadata. Each tensor is read from the backend when its
 * turn to be written comes (async reads: every backend), so the host holds one layer at a time.
 */
export async function exportCompressed24(path: string, result: { model: CausalLM; layers: readonly SparseLayerEntry[] }, tokenizer: Tokenizer): Promise<void> {
  const sparseWeights = new Set(result.layers.map(({ name }) => `${name}.weight`));
  const layers: Record<string, Compressed24LayerInput> = {};
  const extra: Record<string, DeferredTensor> = {};
  for (const { name, layer } of result.layers) {
    const read = async () => {
      const effective = noGrad(() => layer.effectiveWeight());
      try {
        return (await effective.data()) as Float32Array;
      } finally {
        effective.dispose();
      }
    };
    layers[name] = { read, rows: layer.weight.shape[0], cols: layer.weight.shape[1] };
  }
  for (const [name, parameter] of result.model.namedParameters()) {
    if (!sparseWeights.has(name)) extra[name] = { dtype: "F32", shape: [...parameter.shape], read: () => parameter.data() };
  }
  await writeCompressed24(path, layers, extra, { config: JSON.stringify(result.model.config), tokenizer: JSON.stringify(tokenizerFile(tokenizer)) });
}
