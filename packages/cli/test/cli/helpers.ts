import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Generator } from "@adaptive-sparse/core";
import { createByteTokenizer } from "@adaptive-sparse/data";
import { GPT } from "@adaptive-sparse/nn";
import { saveModelFolder } from "../../src/model-folder.js";

/** A small random GPT-2 in Hugging Face layout (byte tokenizer, so it stays tiny) and a text corpus. */
export async function makeFixture(): Promise<{ root: string; model: string; corpus: string }> {
  const root = mkdtempSync(join(tmpdir(), "cli-test-"));
  const model = join(root, "model");
  mkdirSync(model);
  const gpt = new GPT({ nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 16, vocabSize: 257 }, { generator: new Generator(3) });
  await saveModelFolder(model, { model: gpt, tokenizer: createByteTokenizer() });
  const sentences = ["The union is strong.", "We hold these truths to be self-evident.", "Congress shall make no law.", "The economy grew this year."];
  const corpus = join(root, "corpus");
  mkdirSync(corpus);
  for (let d = 0; d < 12; d++) writeFileSync(join(corpus, `doc${d}.txt`), Array.from({ length: 40 }, (_, i) => sentences[(i * (d + 1)) % 4]).join(" "));
  return { root, model, corpus };
}

/** Trainer settings for a few fast steps. */
export const FAST = [
  "--set", 'trainer.lr.options={"max":0.003,"min":0.0003,"warmupSteps":1}',
  "--set", 'trainer.decay.options={"max":0.01,"rampSteps":3}',
  "--set", "trainer.refresh.every=2",
  "--set", "data.batchSize=4",
];

/** Runs the CLI in-process; returns the exit code and what it printed to stderr. */
export async function runCli(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const { main } = await import("../../src/main.js");
  let stderr = "";
  let stdout = "";
  const writeErr = process.stderr.write.bind(process.stderr);
  const log = console.log;
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  console.log = (...parts: unknown[]) => void (stdout += `${parts.join(" ")}\n`);
  try {
    const code = await main(["node", "adaptive-sparse", ...args]);
    return { code, stderr, stdout };
  } finally {
    process.stderr.write = writeErr;
    console.log = log;
  }
}
