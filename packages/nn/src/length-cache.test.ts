import { Generator, createCpuBackend, memory, noGrad, tensor, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { GPT } from "./gpt.js";

describe("per-length device constants (position ids, causal masks)", () => {
  it("a forward at a length seen before uploads nothing; dispose() frees the cached tensors", () => {
    const backend = createCpuBackend();
    const before = memory().tensors;
    const gpt = new GPT({ nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 16 }, { generator: new Generator(0), backend });
    const idx = tensor([[1, 2, 3, 4, 5]], { dtype: "i32", backend });
    const logits = () => Array.from(noGrad(() => tidy(() => gpt.forward(idx).logits.dataSync())));
    const first = logits();
    const uploaded = backend.stats().hostToDeviceBytes;
    const live = memory().tensors;
    expect(logits()).toEqual(first);
    expect(backend.stats().hostToDeviceBytes).toBe(uploaded);
    expect(memory().tensors).toBe(live);
    const shorter = tensor([[1, 2, 3]], { dtype: "i32", backend });
    noGrad(() => tidy(() => void gpt.forward(shorter)));
    expect(memory().tensors).toBe(live + 1); // the new length replaced the old entries (one cache per module)
    gpt.dispose();
    idx.dispose();
    shorter.dispose();
    expect(memory().tensors).toBe(before);
  });
});
