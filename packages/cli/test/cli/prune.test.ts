import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tensor, tidy } from "@adaptive-sparse/core";
import { afterAll, describe, expect, it } from "vitest";
import { prune } from "../../src/commands/prune.js";
import { loadModelFolder } from "../../src/model-folder.js";
import { FAST, makeFixture, runCli } from "./helpers.js";

describe("adaptive-sparse prune → export → eval on a Hugging Face-layout GPT-2 folder", async () => {
  const { root, model, corpus } = await makeFixture();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const out = join(root, "run");
  const set = FAST.filter((_, i) => i % 2 === 1);
  const result = await prune({ model, method: "ast", corpus, steps: 6, out, set: [...set, "trainer.distill={}"], backend: "cpu", progress: "quiet" });

  it("writes the pruned model; the exported folder loads back with identical logits", async () => {
    expect(result.status).toBe("completed");
    expect(existsSync(join(out, "model.sparse24.safetensors"))).toBe(true);
    const reloaded = await loadModelFolder(join(out, "model"));
    const idx = tensor(Array.from({ length: 32 }, (_, i) => (i * 37) % 257), { shape: [2, 16], dtype: "i32" });
    const before = tidy(() => result.model.forward(idx.toSync(result.model.backend!)).logits.dataSync()); // the run's model lives on the --backend instance
    const after = tidy(() => reloaded.model.forward(idx).logits.dataSync());
    expect(Array.from(after)).toEqual(Array.from(before));
  });

  it("eval reports N:M validity (and perplexity) on the exported folder", async () => {
    const { code, stdout } = await runCli(["eval", "-m", join(out, "model"), "--corpus", corpus, "--nm", "2:4", "--backend", "cpu", "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.nm.valid).toBe(true);
    expect(report.nm.layers).toHaveLength(8);
    expect(Number.isFinite(report["perplexity.corpus"])).toBe(true);
  });

  it("export --format compressed24 writes the 2:4 file from the exported folder", async () => {
    const file = join(root, "model-24.safetensors");
    const { code } = await runCli(["export", "-m", join(out, "model"), "--format", "compressed24", "-o", file, "--backend", "cpu"]);
    expect(code).toBe(0);
    expect(existsSync(file)).toBe(true);
  });
});
