import { describe, expect, it } from "vitest";
import { getDefaultBackend, setDefaultBackend, tensor, tidy } from "@adaptive-sparse/core";
import { GPT } from "@adaptive-sparse/nn";
import { AdamW } from "@adaptive-sparse/optim";
import { BufferPool } from "./buffer-pool.js";
import { hasAdapter, sharedBackend } from "./test-device.js";
import { COPY_DST, STORAGE } from "./usage.js";

describe.runIf(await hasAdapter())("buffer pool order and bind-group reuse", () => {
  it("hands out the oldest free buffer of a size class, whatever order buffers came back in", async () => {
    const { device } = await sharedBackend();
    const pool = new BufferPool(device, STORAGE | COPY_DST, 1 << 20, device.limits.maxBufferSize);
    const [a, b, c] = [pool.acquire(1000).buffer, pool.acquire(1000).buffer, pool.acquire(1000).buffer];
    for (const buffer of [c, a, b]) pool.release(buffer);
    const again = [pool.acquire(1000).buffer, pool.acquire(1000).buffer, pool.acquire(1000).buffer];
    // By identity (GPUBuffer objects have no own fields, so toEqual would call any two equal).
    expect(again.map((buffer) => [a, b, c].indexOf(buffer))).toEqual([0, 1, 2]);
    expect({ hits: pool.hits, misses: pool.misses }).toEqual({ hits: 3, misses: 3 });
    for (const buffer of [a, b, c]) buffer.destroy();
  });

  it("a training step gets the same buffers every step, so its bind groups come from the cache", async () => {
    const gpu = await sharedBackend();
    const previous = getDefaultBackend();
    setDefaultBackend(gpu); // GPT creates its parameters on the default backend
    try {
      const model = new GPT({ nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 16, vocabSize: 64 });
      const optimizer = new AdamW(model.parameters(), { lr: 1e-2, betas: [0.9, 0.95], weightDecay: 0.1 });
      const tokens = tensor(Array.from({ length: 32 }, (_, i) => (i * 7) % 64), { shape: [2, 16], dtype: "i32", backend: gpu });
      let last = { hits: 0, created: 0 };
      for (let step = 0; step < 6; step++) {
        const before = gpu.stats();
        optimizer.zeroGrad();
        const loss = tidy(() => {
          const l = model.forward(tokens, tokens).loss!;
          l.backward();
          return l;
        });
        await loss.data();
        loss.dispose();
        await optimizer.stepAsync();
        const after = gpu.stats();
        last = { hits: after.bindGroupHits - before.bindGroupHits, created: after.bindGroupsCreated - before.bindGroupsCreated };
      }
      tokens.dispose();
      // Measured on this GPT: 35% hits with a LIFO pool (frees return after a submit, in varying order), 95% oldest-first.
      expect(last.hits / (last.hits + last.created)).toBeGreaterThan(0.8);
    } finally {
      setDefaultBackend(previous);
    }
  }, 60_000);
});
