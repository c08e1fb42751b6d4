import { BackendError, Generator, createCpuBackend, getDefaultBackend, noGrad, tensor, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { captureHiddenStates, isCausalLM, prunableLayers } from "./causal-lm.js";
import { GPT } from "./gpt.js";
import type { SparseLinear } from "./sparse-linear.js";
import { sparsify } from "./sparsify.js";

const tiny = { nLayer: 2, nHead: 2, nEmbd: 8, blockSize: 6, vocabSize: 11 };
const idsOn = (backend = getDefaultBackend()) => tensor([[1, 2, 3, 4], [5, 6, 7, 8]], { dtype: "i32", backend });

describe("explicit placement", () => {
  it("new GPT(config, { backend }) makes every parameter and buffer there, with the default backend's values", async () => {
    const other = createCpuBackend();
    const here = new GPT(tiny, { generator: new Generator(3) });
    const there = new GPT(tiny, { generator: new Generator(3), backend: other });
    sparsify(there);
    expect(there.parameters().every((p) => p.backend === other)).toBe(true);
    expect(there.namedBuffers().every(([, b]) => b.backend === other)).toBe(true);
    expect(there.backend).toBe(other);
    const a = noGrad(() => here.forward(idsOn()).logits);
    const b = noGrad(() => there.forward(idsOn(other)).logits);
    expect(b.backend).toBe(other);
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
  });

  it("Module.to moves parameters, gradients and buffers in place, keeping the Parameter objects", async () => {
    const other = createCpuBackend();
    const gpt = new GPT(tiny, { generator: new Generator(4) });
    sparsify(gpt);
    const before = tidy(() => Array.from(noGrad(() => gpt.forward(idsOn()).logits).dataSync()));
    tidy(() => gpt.forward(idsOn(), idsOn()).loss!.backward());
    const weight = gpt.getParameter("transformer.h.0.mlp.c_fc.weight");
    const grad = Array.from(weight.grad!.dataSync());
    expect(await gpt.to(other)).toBe(gpt);
    expect(gpt.getParameter("transformer.h.0.mlp.c_fc.weight")).toBe(weight);
    expect(weight.backend).toBe(other);
    expect(weight.grad!.backend).toBe(other);
    expect(Array.from(weight.grad!.dataSync())).toEqual(grad);
    expect((gpt.getModule("transformer.h.0.mlp.c_fc") as SparseLinear).mask.backend).toBe(other); // the layer's mask buffer
    const after = tidy(() => Array.from(noGrad(() => gpt.forward(idsOn(other)).logits).dataSync()));
    expect(after).toEqual(before);
    gpt.toSync(getDefaultBackend());
    expect(gpt.parameters().every((p) => p.backend === getDefaultBackend())).toBe(true);
  });

  it("a forward with idx on another backend names both backends and the fix", () => {
    const gpt = new GPT(tiny, { backend: createCpuBackend() });
    expect(() => gpt.forward(idsOn())).toThrow(BackendError);
    expect(() => gpt.forward(idsOn())).toThrow(/idx lives on backend "cpu" but the model on "cpu"; make idx with \{ backend \} or move it with await idx.to\(backend\)/);
  });
});

describe("GPT as a CausalLM", () => {
  it("lists its prunable layers and exposes embed + blocks for hidden states", async () => {
    const gpt = new GPT(tiny, { generator: new Generator(5) });
    expect(isCausalLM(gpt)).toBe(true);
    expect(isCausalLM({ forward: () => null })).toBe(false);
    expect(gpt.modelType).toBe("gpt2");
    expect(prunableLayers(gpt).map(([name]) => name)).toEqual(
      [0, 1].flatMap((i) => ["attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"].map((l) => `transformer.h.${i}.${l}`)),
    );
    let hidden: ReturnType<typeof gpt.embed>[] | null = [];
    const remove = captureHiddenStates(gpt, () => hidden);
    const { logits, last } = noGrad(() =>
      tidy(() => {
        const out = gpt.forward(idsOn()).logits;
        // Re-running the stack by hand (embed → blocks) reproduces the last hidden state the hook saw.
        let x = gpt.embed(idsOn());
        for (const block of gpt.blocks) x = block.forward(x);
        return { logits: out, last: x };
      }),
    );
    remove();
    expect(logits.shape).toEqual([2, 4, 11]);
    expect(hidden.length).toBe(2);
    expect(hidden[1].isDisposed).toBe(true); // an intermediate of the tidy, as documented
    hidden = null;
    expect(last.shape).toEqual([2, 4, 8]);
    // The hooks are gone: a new forward records nothing.
    const sink: ReturnType<typeof gpt.embed>[] = [];
    const again = captureHiddenStates(gpt, () => sink);
    again();
    noGrad(() => tidy(() => gpt.forward(idsOn()).logits));
    expect(sink.length).toBe(0);
  });
});
