import { hasKernels, tensor, type Backend } from "@adaptive-sparse/core";
import { compress24, type Compressed24 } from "@adaptive-sparse/io";
import { prunableLayers, sparsify, Linear, type CausalLM } from "@adaptive-sparse/nn";

/** Whether W [rows, cols] (row-major) keeps at most 2 of every 4 consecutive values along each row. */
export function isTwoFour(weight: Float32Array, cols: number): boolean {
  if (cols % 4 !== 0) return false;
  for (let base = 0; base < weight.length; base += 4) {
    const kept = (weight[base] !== 0 ? 1 : 0) + (weight[base + 1] !== 0 ? 1 : 0) + (weight[base + 2] !== 0 ? 1 : 0) + (weight[base + 3] !== 0 ? 1 : 0);
    if (kept > 2) return false;
  }
  return true;
}

/**
 * Runs a loaded model's 2:4 layers (a pruned model folder stores them as dense weights with zeros) on the
 * backend's compressed 2:4 kernel for inference: each prunable Linear whose weight is 2:4 becomes a
 * SparseLinear holding its compressed form, which `eval()` forwards use (about half the weight bytes per
 * decoded token). Nothing changes on a backend without a `SparseMatMul24` kernel (elsewhere the op expands
 * the weight to dense on every call), or when the first prunable layer is dense (a dense model; its other
 * layers are not read).
 * @returns the names of the layers that now run compressed.
 */
export async function useCompressed24(model: CausalLM, backend: Backend): Promise<string[]> {
  if (!hasKernels(backend, "SparseMatMul24")) return [];
  const compressed = new Map<string, Compressed24>();
  for (const [name, layer] of prunableLayers(model)) {
    if (!(layer instanceof Linear)) continue;
    const weight = Float32Array.from(await layer.weight.data());
    if (isTwoFour(weight, layer.inFeatures)) compressed.set(name, compress24(weight, layer.outFeatures, layer.inFeatures));
    else if (compressed.size === 0) return [];
  }
  for (const { name, layer } of sparsify(model, { include: (name) => compressed.has(name) })) {
    const { values, indices } = compressed.get(name)!;
    const tensors = { values: tensor(values, { shape: [layer.outFeatures, layer.inFeatures / 2], backend }), indices: tensor(indices, { dtype: "u8", backend }) };
    layer.setCompressed24(tensors); // it keeps its own references
    layer.train(model.training); // a new module starts in training mode, where the compressed form is not used
    tensors.values.dispose();
    tensors.indices.dispose();
  }
  return [...compressed.keys()];
}
