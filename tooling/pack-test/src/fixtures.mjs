/**
 * What a user brings to the README's snippet: a GPT-2 folder at path/to/gpt2 and a text file my-notes.txt.
 * The folder is written by the installed @adaptive-sparse/io (so the tarball's saveModel is exercised too):
 * GPT-2's 50,257-token vocabulary, but 2 layers of width 16 so that 20 AST steps take seconds on the cpu backend.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export const TINY_GPT2 = { nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 64, vocabSize: 50257 };

/** The script, run inside the installed project, that writes path/to/gpt2. */
export const MAKE_MODEL = `import { createModel, saveModel } from "@adaptive-sparse/io";
const model = createModel("gpt2", ${JSON.stringify(TINY_GPT2)});
await saveModel(model, "path/to/gpt2");
`;

const WORDS = ["sparse", "weights", "keep", "two", "of", "every", "four", "the", "model", "learns", "masks", "change", "slowly", "while", "training", "goes", "on", "and", "teacher", "guides", "student"];

/** 240 paragraphs of 3 sentences from a fixed word list (about 40 KB), separated by blank lines. */
export function notesText() {
  let state = 1;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648);
  const sentence = () => {
    const words = Array.from({ length: 6 + (next() % 8) }, () => WORDS[next() % WORDS.length]);
    return words.join(" ").replace(/^./, (c) => c.toUpperCase()) + ".";
  };
  return Array.from({ length: 240 }, () => [sentence(), sentence(), sentence()].join(" ")).join("\n\n") + "\n";
}

/** Writes the model script and my-notes.txt into `dir`. */
export function writeUserFiles(dir) {
  writeFileSync(join(dir, "make-model.mjs"), MAKE_MODEL);
  writeFileSync(join(dir, "my-notes.txt"), notesText());
}
