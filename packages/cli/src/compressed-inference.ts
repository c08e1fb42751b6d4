import { hasKernels, noGrad, tensor, type Backend } from "@adaptive-sparse/core";
import { compress24, type Compressed24 } from "@adaptive-sparse/io";
import { prunableLayers, sparsify, Linear, SparseLinear, type CausalLM } from "@adaptive-sparse/nn";

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
 * Runs a model's 2:4 layers on the backend's compressed 2:4 kernel for inference, which `eval()` forwards use
 * (about half the weight bytes per decoded token). A loaded pruned folder stores them as dense weights with
 * zeros: each prunable Linear whose weight is 2:4 becomes a SparseLinear holding its compressed form (in the
 * model's mode). A model pruned in memory keeps its SparseLinear layers: those whose `M ⊙ W` is 2:4 and that
 * have no SLoRB branch get the compressed form. Nothing changes on a backend without a `SparseMatMul24`
 * kernel (elsewhere the op expands the weight to dense on every call), or when the first prunable layer is
 * dense (a dense model; its other layers are not read).
 * @returns the names of the layers that now run compressed.
 */
export async function useCompressed24(model: CausalLM, backend: Backend): Promise<string[]> {
  if (!hasKernels(backend, "SparseMatMul24")) return [];
  const compressed = new Map<string, { layer: Linear | SparseLinear; form: Compressed24 }>();
  for (const [name, layer] of prunableLayers(model)) {
    if (layer instanceof SparseLinear && layer.slorb) continue; // its low-rank branch is not in the 2:4 form
    const weight = layer instanceof SparseLinear ? await effectiveWeight(layer) : Float32Array.from(await layer.weight.data());
    if (isTwoFour(weight, layer.inFeatures)) compressed.set(name, { layer, form: compress24(weight, layer.outFeatures, layer.inFeatures) });
    else if (compressed.size === 0) return [];
  }
  const dense = [...compressed].filter(([, { layer }]) => layer instanceof Linear).map(([name]) => name);
  const swapped = dense.length ? sparsify(model, { include: (name) => dense.includes(name) }) : [];
  for (const { name, layer } of swapped) compressed.get(name)!.layer = layer;
  for (const { layer, form } of compressed.values()) {
    const sparse = layer as SparseLinear;
    const tensors = { values: tensor(form.values, { shape: [sparse.outFeatures, sparse.inFeatures / 2], backend }), indices: tensor(form.indices, { dtype: "u8", backend }) };
    sparse.setCompressed24(tensors); // it keeps its own references
    sparse.train(model.training); // a new module starts in training mode, where the compressed form is not used
    tensors.values.dispose();
    tensors.indices.dispose();
  }
  return [...compressed.keys()];
}

/** M ⊙ W of a sparse layer, on the host. */
async function effectiveWeight(layer: SparseLinear): Promise<Float32Array> {
  const weight = noGrad(() => layer.effectiveWeight());
  try {
    return Float32Array.from(await weight.data());
  } finally {
    weight.dispose();
  }
}
