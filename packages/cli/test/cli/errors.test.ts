import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeFixture, runCli } from "./helpers.js";

describe("bad input: one clear paragraph, non-zero exit, nothing half-written", async () => {
  const { root, model, corpus } = await makeFixture();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const prune = (...extra: string[]) => runCli(["prune", "-m", model, "--corpus", corpus, "--method", "naive", "--steps", "2", "--backend", "cpu", "--quiet", "-o", join(root, "out"), ...extra]);
  const expectOneParagraph = (stderr: string) => {
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  };

  it("a missing config file", async () => {
    const { code, stderr } = await prune("-c", join(root, "nope.yaml"));
    expect(code).toBe(1);
    expect(stderr).toContain(`config file ${join(root, "nope.yaml")} does not exist`);
    expectOneParagraph(stderr);
  });

  it("a malformed config names the line; an unknown key names the key and the valid ones", async () => {
    writeFileSync(join(root, "bad.yaml"), "data:\n  batchSize: 4\n  corpus: [unclosed\n");
    const syntax = await prune("-c", join(root, "bad.yaml"));
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(/bad\.yaml is not valid YAML \(line \d+/);
    writeFileSync(join(root, "typo.yaml"), "data:\n  batchSise: 4\n");
    const typo = await prune("-c", join(root, "typo.yaml"));
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('unknown option "batchSise"');
    expect(typo.stderr).toContain("batchSize");
  });

  it("an unknown backend lists the available ones", async () => {
    const { code, stderr } = await prune("--backend", "tpu");
    expect(code).toBe(1);
    expect(stderr).toContain('unknown backend "tpu"; available backends: cpu, cuda, gpujs, wasm, webgpu');
  });

  it("a model folder without config.json, and an architecture io's family table lacks", async () => {
    mkdirSync(join(root, "empty"), { recursive: true });
    const empty = await runCli(["eval", "-m", join(root, "empty"), "--nm", "2:4", "--backend", "cpu"]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("has no config.json; a Hugging Face folder (config.json + model.safetensors; model_type gpt2, llama, mistral, qwen2, opt) is expected");
    mkdirSync(join(root, "t5"), { recursive: true });
    writeFileSync(join(root, "t5/config.json"), JSON.stringify({ model_type: "t5", architectures: ["T5ForConditionalGeneration"] }));
    const t5 = await runCli(["eval", "-m", join(root, "t5"), "--nm", "2:4", "--backend", "cpu"]);
    expect(t5.code).toBe(1);
    expect(t5.stderr).toMatch(/"t5"/);
    expect(t5.stderr).toMatch(/gpt2/);
    expectOneParagraph(t5.stderr);
  });

  it("a corpus path that does not exist", async () => {
    const { code, stderr } = await runCli(["prune", "-m", model, "--corpus", join(root, "missing.txt"), "--method", "naive", "--steps", "2", "--backend", "cpu", "-o", join(root, "out2")]);
    expect(code).toBe(1);
    expect(stderr).toContain(`corpus "${join(root, "missing.txt")}" is neither a registered corpus (moby-dick, sotu, spam-assassin-ham) nor an existing file or folder; check the path`);
    expect(existsSync(join(root, "out2", "model", "config.json"))).toBe(false);
  });

  it("a run folder that cannot be written", async () => {
    const { code, stderr } = await runCli(["pretrain", "--corpus", corpus, "--steps", "2", "--backend", "cpu", "--quiet", "-o", "/sys/adaptive-sparse-run",
      "--set", 'model={"nLayer":1,"nHead":2,"nEmbd":16,"blockSize":16}', "--set", 'tokenizer={"type":"byte"}',
      "--set", 'trainer.lr.options={"max":0.001,"min":0.0001,"warmupSteps":1}']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^adaptive-sparse: cannot write \/sys\/adaptive-sparse-run\S*: permission denied \(EPERM: operation not permitted, mkdir '\/sys\/adaptive-sparse-run[^']*'\)[;.] .*Fix the permissions of that folder, or choose another -o\/--out folder\.\n$/);
    expectOneParagraph(stderr);
    expect(existsSync("/sys/adaptive-sparse-run")).toBe(false);
  });

  it("pretrain with a mistyped trainer option writes no model folder, so the corrected command runs as it is", async () => {
    const out = join(root, "pretrain-typo");
    const pretrain = (...extra: string[]) => runCli(["pretrain", "--corpus", corpus, "--steps", "1", "--backend", "cpu", "--quiet", "-o", out,
      "--set", 'model={"nLayer":1,"nHead":2,"nEmbd":16,"blockSize":16}', "--set", 'tokenizer={"type":"byte"}', ...extra]);
    const typo = await pretrain("--set", "trainer.gradAcum=1");
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('unknown option "gradAcum" (valid options: method, steps, batchSize, gradAccum,');
    expectOneParagraph(typo.stderr);
    expect(existsSync(join(out, "config.json"))).toBe(false);
    expect(existsSync(join(out, "model.safetensors"))).toBe(false);
    const fixed = await pretrain("--set", "trainer.gradAccum=1");
    expect(fixed.stderr).toContain("pretrain: completed at step 1; model folder");
    expect(fixed.code).toBe(0);
    expect(existsSync(join(out, "model.safetensors"))).toBe(true);
  });
});
