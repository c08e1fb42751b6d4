import { createCpuBackend, gather, tensor, type Backend, type Tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { evaluatePerplexity } from "./perplexity.js";
import type { LanguageModel } from "./types.js";

/** Logits = a fixed row per current token, on `backend` (like a CausalLM that was placed there). */
function bigramOn(backend: Backend | null, table: Tensor): LanguageModel {
  return { config: { blockSize: 4, vocabSize: 3 }, backend, forward: (idx) => ({ logits: gather(table, idx) }) };
}

describe("evaluators place their batches where the model lives", () => {
  it("perplexity of a model on a non-default backend needs no backend input, and equals the hand-computed value", async () => {
    const other = createCpuBackend();
    const rows = [[0, 0, 0], [Math.log(2), 0, 0], [0, 0, Math.log(3)]];
    const table = tensor(rows, { backend: other });
    const tokens = [0, 1, 2, 2, 1, 0, 2, 0];
    const { perplexity, windows } = await evaluatePerplexity(bigramOn(other, table), tokens, { batchSize: 2 });
    // Windows [0,1,2,2] and [1,0,2,0]; predicted pairs (0→1), (1→2), (2→2), (1→0), (0→2), (2→0).
    const p = (row: number[], t: number) => Math.exp(row[t]) / row.reduce((s, v) => s + Math.exp(v), 0);
    const nll = (pairs: [number, number][]) => pairs.reduce((s, [a, b]) => s - Math.log(p(rows[a], b)), 0) / pairs.length;
    const expected = Math.exp((nll([[0, 1], [1, 2], [2, 2]]) + nll([[1, 0], [0, 2], [2, 0]])) / 2);
    expect(windows).toBe(2);
    expect(perplexity).toBeCloseTo(expected, 5);
    // Without a backend on the model, batches would land on core's default backend: the model's gather refuses them.
    await expect(evaluatePerplexity(bigramOn(null, table), tokens)).rejects.toThrow(/backend/);
  });
});
