/**
 * What a user brings to the README's snippets: model folders under path/to/ and text corpora. The folders are
 * written by the installed packages (so the tarballs' saveModel is exercised too). GPT-2 keeps its 50,257-token
 * vocabulary (the snippet tokenizes with GPT-2's BPE) at 2 layers of width 16; the LLaMA and OPT folders named
 * as in the README's CLI lines are tiny and carry the byte tokenizer (257 ids), so 500 AST steps take seconds.
 */
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

export const TINY_GPT2 = { nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 64, vocabSize: 50257 };

/** The script, run inside the installed project, that writes path/to/gpt2. */
export const MAKE_MODEL = `import { saveModelFolder } from "@adaptive-sparse/cli";
import { createByteTokenizer } from "@adaptive-sparse/data";
import { createModel, saveModel } from "@adaptive-sparse/io";
await saveModel(createModel("gpt2", ${JSON.stringify(TINY_GPT2)}), "path/to/gpt2");
const tokenizer = createByteTokenizer();
const llama = createModel("llama", { vocabSize: 257, blockSize: 32, nLayer: 2, nEmbd: 32, nHead: 4, nKvHead: 2, intermediateSize: 64 });
await saveModelFolder("path/to/TinyLlama-1.1B", { model: llama, tokenizer });
const opt = createModel("opt", { vocabSize: 257, blockSize: 32, nLayer: 2, nEmbd: 32, nHead: 4, ffnDim: 64, wordEmbedProjDim: 16, doLayerNormBefore: false });
await saveModelFolder("path/to/opt-125m", { model: opt, tokenizer });
`;

const WORDS = ["sparse", "weights", "keep", "two", "of", "every", "four", "the", "model", "learns", "masks", "change", "slowly", "while", "training", "goes", "on", "and", "teacher", "guides", "student"];

/** `count` paragraphs of 3 sentences from a fixed word list (about 170 bytes each), separated by blank lines. */
export function notesText(seed = 1, count = 240) {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648);
  const sentence = () => {
    const words = Array.from({ length: 6 + (next() % 8) }, () => WORDS[next() % WORDS.length]);
    return words.join(" ").replace(/^./, (c) => c.toUpperCase()) + ".";
  };
  return Array.from({ length: count }, () => [sentence(), sentence(), sentence()].join(" ")).join("\n\n") + "\n";
}

/** A few rows of HellaSwag and ARC-Easy as `datasets`' to_json writes them (the fields of their Hugging Face datasets). */
const HELLASWAG = [
  { ind: 4, activity_label: "Baking cookies", ctx_a: "A woman mixes the dough.", ctx_b: "she", ctx: "A woman mixes the dough. she", endings: [" puts the tray in the oven.", " eats the tray.", " flies away.", " paints the oven [title] blue."], source_id: "a", split: "val", split_type: "indomain", label: "0" },
  { ind: 5, activity_label: "Running", ctx_a: "A man ties his shoes.", ctx_b: "he", ctx: "A man ties his shoes. he", endings: [" melts.", " runs down the road.", " becomes a bird.", " sings to the shoes."], source_id: "b", split: "val", split_type: "zeroshot", label: "1" },
];
const ARC_EASY = [
  { id: "q1", question: "What gives the Earth daylight?", choices: { text: ["the Sun", "the Moon", "Mars"], label: ["A", "B", "C"] }, answerKey: "A" },
  { id: "q2", question: "Which of these is a planet?", choices: { text: ["the Sun", "Mars", "a comet", "the Moon"], label: ["1", "2", "3", "4"] }, answerKey: "2" },
];

/** Writes the model script, the corpora and the task files the README names (my-notes.txt, my-eval.txt, c4-sample.jsonl, my-corpus.jsonl.gz, hellaswag.jsonl, arc_easy.jsonl) into `dir`. */
export function writeUserFiles(dir) {
  writeFileSync(join(dir, "make-model.mjs"), MAKE_MODEL);
  writeFileSync(join(dir, "my-notes.txt"), notesText());
  writeFileSync(join(dir, "my-eval.txt"), notesText(2, 40));
  const paragraphs = notesText(3, 200).trim().split("\n\n");
  const jsonl = paragraphs.map((text) => JSON.stringify({ text })).join("\n") + "\n";
  writeFileSync(join(dir, "c4-sample.jsonl"), jsonl);
  writeFileSync(join(dir, "my-corpus.jsonl.gz"), gzipSync(jsonl));
  for (const [name, rows] of [["hellaswag.jsonl", HELLASWAG], ["arc_easy.jsonl", ARC_EASY]]) writeFileSync(join(dir, name), rows.map((row) => JSON.stringify(row)).join("\n") + "\n");
}
