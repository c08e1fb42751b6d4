import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { noGrad, tensor } from "@adaptive-sparse/core";
import { isWebGpuAvailable } from "@adaptive-sparse/backend-webgpu";
import { afterAll, describe, expect, it } from "vitest";
import { prune } from "../../src/commands/prune.js";
import { loadModelFolder } from "../../src/model-folder.js";
import { FAST, makeFixture, runCli } from "./helpers.js";

// Issue 12: `--backend webgpu` reaches the trainer, the evaluators and the exports through explicit placement,
// and every export/eval path reads asynchronously (saveGpt2 used to die on webgpu's async-only reads).
const available = await isWebGpuAvailable();
if (!available) console.log("cli webgpu: skipped, no WebGPU adapter (install mesa-vulkan-drivers for lavapipe)");

async function logits(folder: string): Promise<number[]> {
  const { model } = await loadModelFolder(folder);
  const idx = tensor(Array.from({ length: 32 }, (_, i) => (i * 37) % 257), { shape: [2, 16], dtype: "i32" });
  return Array.from(await noGrad(() => model.forward(idx).logits).data());
}

describe.skipIf(!available)("adaptive-sparse prune → eval → export with --backend webgpu (lavapipe)", async () => {
  const { root, model, corpus } = await makeFixture();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const out = join(root, "run");
  const set = FAST.filter((_, i) => i % 2 === 1);
  const result = available ? await prune({ model, method: "ast", corpus, steps: 4, out, set: [...set, "trainer.distill={}"], backend: "webgpu", progress: "quiet" }) : null;

  it("trains on webgpu and writes the pruned folder and the 2:4 file", () => {
    expect(result!.status).toBe("completed");
    expect(result!.model.parameters().every((p) => p.backend.name === "webgpu")).toBe(true);
    expect(existsSync(join(out, "model", "model.safetensors"))).toBe(true);
    expect(existsSync(join(out, "model.sparse24.safetensors"))).toBe(true);
  });

  it("writes the backend's host↔device byte counts of each logged step into metrics.jsonl (issue 12, acceptance 3)", () => {
    const steps = readFileSync(join(out, "metrics.jsonl"), "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line)).filter((e) => e.type === "step");
    expect(steps.map((e) => e.step)).toEqual([0, 1, 2, 3]);
    const logged = steps.filter((e) => e.hostToDeviceBytes !== null && e.hostToDeviceBytes !== undefined);
    expect(logged.map((e) => e.step)).toEqual([3]); // log.every 10: the last step closes the only interval
    expect(logged[0].hostToDeviceBytes).toBeGreaterThan(0); // the batches' token ids (and the first step's caches)
    expect(logged[0].deviceToHostBytes).toBeGreaterThan(0); // the queued losses, norms and flip counts
  });

  it("eval --backend webgpu reports valid 2:4 and the cpu backend's perplexity within 1e-4 relative", async () => {
    const args = ["eval", "-m", join(out, "model"), "--corpus", corpus, "--nm", "2:4", "--json"];
    const gpu = await runCli([...args, "--backend", "webgpu"]);
    expect(gpu.code, gpu.stderr).toBe(0);
    const cpu = await runCli([...args, "--backend", "cpu"]);
    const [g, c] = [JSON.parse(gpu.stdout), JSON.parse(cpu.stdout)];
    expect(g.nm.valid).toBe(true);
    expect(g.nm.layers).toHaveLength(8);
    expect(Math.abs(g["perplexity.corpus"] - c["perplexity.corpus"]) / c["perplexity.corpus"]).toBeLessThan(1e-4);
  });

  it("export --backend webgpu writes an hf folder with the same weights and a compressed24 file", async () => {
    const folder = join(root, "exported");
    const hf = await runCli(["export", "-m", join(out, "model"), "--format", "hf", "-o", folder, "--backend", "webgpu"]);
    expect(hf.code, hf.stderr).toBe(0);
    expect(await logits(folder)).toEqual(await logits(join(out, "model")));
    const file = join(root, "model-24.safetensors");
    const packed = await runCli(["export", "-m", join(out, "model"), "--format", "compressed24", "-o", file, "--backend", "webgpu"]);
    expect(packed.code, packed.stderr).toBe(0);
    expect(existsSync(file)).toBe(true);
  });
});
