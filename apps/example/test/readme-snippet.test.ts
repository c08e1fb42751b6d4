import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The root README's "Register your own mask strategy" snippet, compiled and run as written: the test only
// supplies the `student`, `teacher` and `data` it refers to (a tiny GPT and random tokens).
const readme = readFileSync(join(import.meta.dirname, "../../../README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Register your own mask strategy"));
const snippet = /```ts\n([\s\S]*?)```/.exec(section)![1];

const prelude = `
import { GPT } from "@adaptive-sparse/nn";
import { createWindowSampler } from "@adaptive-sparse/data";
const config = { nLayer: 1, nHead: 2, nEmbd: 32, blockSize: 16, vocabSize: 64 };
const student = new GPT(config);
const teacher = new GPT(config);
const tokens = Uint16Array.from({ length: 4000 }, (_, i) => (i * 7919) % 64);
const data = { train: createWindowSampler(tokens, { blockSize: 16, batchSize: 4, seed: 0 }) };
export const used = () => registry.get("mask", "squared");
export { student };
`;

describe("README: register your own mask strategy", () => {
  it("compiles and trains with the custom strategy", async () => {
    const lines = snippet.split("\n");
    const lastImport = lines.reduce((last, line, i) => (line.startsWith("import ") ? i : last), -1);
    const source = [...lines.slice(0, lastImport + 1), prelude, ...lines.slice(lastImport + 1)].join("\n");
    const folder = join(import.meta.dirname, ".generated");
    mkdirSync(folder, { recursive: true });
    const file = join(folder, "readme-mask-strategy.ts");
    writeFileSync(file, source);
    const module = await import(/* @vite-ignore */ file);
    expect(module.used().name).toBe("squared");
    // The trained student is 2:4 in every sparse layer.
    const fc = module.student.getParameter("transformer.h.0.mlp.c_fc.weight").dataSync();
    for (let g = 0; g < fc.length; g += 4) expect([0, 1, 2, 3].filter((k) => fc[g + k] !== 0).length).toBeLessThanOrEqual(2);
  });
});
