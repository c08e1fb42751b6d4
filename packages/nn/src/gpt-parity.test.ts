import { readFileSync } from "node:fs";
import { tensor, tidy, type Tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import fixture from "../fixtures/gpt.json" with { type: "json" };
import { GPT } from "./gpt.js";

// gpt.bin / gpt.json come from fixtures/make_gpt_fixture.py (PyTorch 1.13, a nanoGPT-equivalent model).
const blob = readFileSync(new URL("../fixtures/gpt.bin", import.meta.url));
const arrays = fixture.arrays as Record<string, { offset: number; shape: number[]; dtype: "f32" | "i32" }>;

function load(name: string): Tensor {
  const { offset, shape, dtype } = arrays[name];
  const count = shape.reduce((n, d) => n * d, 1);
  const bytes = blob.buffer.slice(blob.byteOffset + offset, blob.byteOffset + offset + 4 * count);
  return tensor(dtype === "i32" ? new Int32Array(bytes) : new Float32Array(bytes), { shape, dtype });
}

/** max |actual − expected| / max |expected|. */
function relError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

describe("GPT matches a PyTorch nanoGPT-equivalent model", () => {
  it("gives the same logits, loss and gradients from the same state dict", () => {
    const gpt = new GPT(fixture.config);
    const state = new Map(Object.keys(arrays).filter((k) => k.startsWith("state.")).map((k) => [k.slice(6), load(k)]));
    expect([...state.keys()]).toEqual([...gpt.stateDict().keys()]);
    gpt.loadStateDict(state, { strict: true });
    const [idx, targets, expectedLogits] = [load("idx"), load("targets"), load("logits")];
    const { logits, loss } = tidy(() => {
      const out = gpt.forward(idx, targets);
      out.loss!.backward();
      return { logits: [...out.logits.dataSync()], loss: out.loss!.item() };
    });
    expect(relError(logits, expectedLogits.dataSync())).toBeLessThan(1e-4);
    expect(Math.abs(loss - fixture.loss) / fixture.loss).toBeLessThan(1e-4);
    const gradNames = Object.keys(arrays).filter((k) => k.startsWith("grad.")).map((k) => k.slice(5));
    expect(gradNames.length).toBeGreaterThanOrEqual(5);
    for (const name of gradNames) {
      const grad = gpt.getParameter(name).grad;
      expect(grad, name).not.toBeNull();
      expect(relError(grad!.dataSync(), load(`grad.${name}`).dataSync()), `grad ${name}`).toBeLessThan(1e-4);
    }
    for (const t of [...state.values(), idx, targets, expectedLogits]) t.dispose();
    gpt.dispose();
  });
});
