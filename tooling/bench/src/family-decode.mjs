// `generate` for the other families @adaptive-sparse/nn builds: a LLaMA-shaped and an OPT-125M-shaped model with
// random weights, dense and with their 2:4 layers compressed, against family_torch.py's PyTorch twins (with the
// same kind of KV cache) in the same rounds. The GPT-2 rows are gpt-decode.mjs's.
import { createWasmBackend } from "@adaptive-sparse/backend-wasm";
import { noGrad, setDefaultBackend, tensor, tidy } from "@adaptive-sparse/core";
import { Llama, OPT } from "@adaptive-sparse/nn";
import { benchGenerate, compressTwin } from "./gpt-decode.mjs";

/**
 * The models: 12 layers of width 768 as GPT-2 small, with each family's own parts. The LLaMA one has 4 key/value
 * heads (grouped-query attention), a 2048-wide SwiGLU MLP and an untied 32,000-token head (about 125M
 * parameters, 75.5M in its 2:4 layers); the OPT one is OPT-125M's shape (tied 50,272-token head, 85M in its 2:4
 * layers). `unread`: the tables a decoded token reads one row of (its embedding when the head is separate,
 * learned positions).
 */
export const FAMILY_MODELS = [
  {
    family: "llama",
    name: "LLaMA-shaped",
    config: { vocabSize: 32000, blockSize: 2048, nLayer: 12, nEmbd: 768, nHead: 12, nKvHead: 4, intermediateSize: 2048 },
    unread: /^model\.embed_tokens\./,
  },
  {
    family: "opt",
    name: "OPT-125M-shaped",
    config: { vocabSize: 50272, blockSize: 2048, nLayer: 12, nEmbd: 768, nHead: 12, ffnDim: 3072 },
    unread: /embed_positions\./,
  },
];

const MODEL_CLASSES = { llama: Llama, opt: OPT };

/**
 * Fills every matrix of `model` with N(0, 0.02²) values (a table of 2^20 normals repeated; the timing does not
 * depend on the values, and the models' own seeded init would take about 0.14 s per million values).
 */
function fillRandom(model, seed) {
  let state = seed >>> 0;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const table = new Float32Array(2 ** 20);
  for (let i = 0; i < table.length; i++) table[i] = 0.02 * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  for (const parameter of model.parameters()) {
    if (parameter.shape.length < 2) continue; // norms keep their ones, biases their zeros
    const values = new Float32Array(parameter.size);
    for (let at = 0; at < values.length; at += table.length) values.set(table.subarray(0, Math.min(table.length, values.length - at)), at);
    const source = tensor(values, { shape: parameter.shape });
    parameter.assign(source);
    source.dispose();
  }
  return model;
}

/**
 * Weights read per decoded token, in bytes: every parameter but the `unread` tables, f32; the 2:4 model reads
 * its sparse layers compressed (2.125 bytes per weight: half the values and one position byte per 8 columns).
 */
export function familyBytes(namedSizes, sparseParameters, unread) {
  const dense = 4 * namedSizes.filter(([name]) => !unread.test(name)).reduce((sum, [, size]) => sum + size, 0);
  return { dense, sparse: dense - 4 * sparseParameters + 2.125 * sparseParameters };
}

/** The logits of a forward over `ids`, on the host. */
function logitsOf(model, ids) {
  return noGrad(() => tidy(() => model.call(tensor([ids], { dtype: "i32" })).logits.dataSync()));
}

/**
 * Times `generate` (benchGenerate) for one of FAMILY_MODELS (or a spec of the same form) on a fresh wasm backend
 * (its default GEMM path): ours dense, ours 2:4 (the twin, its 2:4 layers compressed), PyTorch's twin (`torch`,
 * startTorch's peer, or null). Before timing, checks the compressed kernel against the same model's masked
 * dense layers: max |difference| of a 4-token forward's logits.
 * @returns { name, family, config, parameters, sparseParameters, bytes: { dense, sparse }, maxLogitDiff, generate }
 */
export async function benchFamilyGenerate({ spec, threads, torch, minSamples = 5 }) {
  const backend = await createWasmBackend({ threads });
  setDefaultBackend(backend);
  const Model = MODEL_CLASSES[spec.family];
  const dense = fillRandom(new Model(spec.config, { init: false }), 1);
  dense.eval();
  const sparse = fillRandom(new Model(spec.config, { init: false }), 1);
  const { layers, compressed } = compressTwin(sparse);
  try {
    const ids = [1, 5, 9, 13];
    const masked = logitsOf(sparse, ids); // the dense-with-zeros layers (SparseLinear's masked product)
    layers.forEach((layer, i) => layer.setCompressed24(compressed[i]));
    const maxLogitDiff = logitsOf(sparse, ids).reduce((max, v, i) => Math.max(max, Math.abs(v - masked[i])), 0);
    const namedSizes = dense.namedParameters().map(([name, p]) => [name, p.size]);
    const sparseParameters = layers.reduce((sum, l) => sum + l.weight.size, 0);
    const torchJob = (prompt, tokens) => ({ kind: "family-generate", family: spec.family, config: spec.config, prompt, tokens });
    const generate = await benchGenerate({ config: spec.config, backend, dense, sparse, torch, torchJob, minSamples });
    return {
      name: spec.name,
      family: spec.family,
      config: spec.config,
      parameters: namedSizes.reduce((sum, [, size]) => sum + size, 0),
      sparseParameters,
      bytes: familyBytes(namedSizes, sparseParameters, spec.unread),
      maxLogitDiff,
      generate,
    };
  } finally {
    layers.forEach((layer) => layer.setCompressed24(null));
    for (const { values, indices } of compressed) {
      values.dispose();
      indices.dispose();
    }
    dense.dispose();
    sparse.dispose();
    backend.dispose();
  }
}
