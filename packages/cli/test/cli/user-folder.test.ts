// Issue 16 acceptance 2: a user-like Hugging Face GPT-2 folder (with a tokenizer.json) and one .txt corpus,
// `prune` with only -m, --method, --corpus, --steps, -o; then eval --nm 2:4, export and report.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bpeToHfJson, loadSotu } from "@adaptive-sparse/data";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";

const teacher = join(import.meta.dirname, "../../../../apps/example/teacher");

describe("a user's own GPT-2 folder and text file, end to end", async () => {
  const root = mkdtempSync(join(tmpdir(), "cli-user-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const model = join(root, "my-gpt2");
  cpSync(teacher, model, { recursive: true });
  rmSync(join(model, "pretrain.yaml"), { force: true });
  const ours = JSON.parse(readFileSync(join(teacher, "tokenizer.json"), "utf8"));
  writeFileSync(join(model, "tokenizer.json"), JSON.stringify(bpeToHfJson(ours.bpe))); // as a Hugging Face folder ships it
  // One plain text file: a few addresses' paragraphs, separated by blank lines.
  const text = (await loadSotu()).documents.slice(-3).join("\n\n");
  writeFileSync(join(root, "my-text.txt"), text);
  const out = join(root, "runs/mine");
  const pruned = await runCli(["prune", "-m", model, "--method", "ast", "--corpus", join(root, "my-text.txt"), "--steps", "3", "-o", out]);

  it("prune needs nothing else: shipped lr/decay defaults, the text file split on blank lines", () => {
    expect(pruned.stderr).toContain("prune: completed at step 3");
    expect(pruned.code).toBe(0);
    const start = JSON.parse(readFileSync(join(out, "metrics.jsonl"), "utf8").split("\n")[0]!);
    expect(start.config.lr.options).toEqual({ max: 2e-4, min: 2e-5, warmupSteps: 0 }); // 5% of 3 steps rounds to 0
    expect(start.config.decay.options).toEqual({ max: 1e-4, rampSteps: 1 });
    expect(readFileSync(join(out, "model/tokenizer.json"), "utf8")).toBe(readFileSync(join(model, "tokenizer.json"), "utf8"));
  });

  it("eval --nm 2:4 passes (exit 0) on the pruned model and scores the text", async () => {
    const { code, stdout } = await runCli(["eval", "-m", join(out, "model"), "--corpus", join(root, "my-text.txt"), "--nm", "2:4", "--json"]);
    expect(code).toBe(0);
    const results = JSON.parse(stdout);
    expect(results.nm.valid).toBe(true);
    expect(results["perplexity.my-text"]).toBeGreaterThan(1);
  });

  it("export (hf, the default format, and compressed24) and report", async () => {
    const hf = await runCli(["export", "-m", join(out, "model"), "-o", join(root, "export-hf")]);
    expect(hf.code).toBe(0);
    expect(existsSync(join(root, "export-hf/tokenizer.json"))).toBe(true);
    const folderBytes = ["config.json", "model.safetensors", "tokenizer.json"].reduce((total, name) => total + statSync(join(root, "export-hf", name)).size, 0);
    expect(hf.stdout).toBe(`export: wrote ${join(root, "export-hf")} (Hugging Face gpt2 folder, f32 weights, ${(folderBytes / 1e6).toFixed(1)} MB)\n`);
    const packed = await runCli(["export", "-m", join(out, "model"), "--format", "compressed24", "-o", join(root, "model-24.safetensors")]);
    expect(packed.code).toBe(0);
    const packedBytes = statSync(join(root, "model-24.safetensors")).size;
    expect(packed.stdout).toBe(`export: wrote ${join(root, "model-24.safetensors")} (compressed 2:4, 16 sparse layers, ${(packedBytes / 1e6).toFixed(1)} MB)\n`);
    const report = await runCli(["report", out]);
    expect(report.code).toBe(0);
    expect(existsSync(join(out, "report.html"))).toBe(true);
  });
});
