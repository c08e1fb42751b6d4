/**
 * `npm run one-shot-distance -w @adaptive-sparse/example`: how far each one-shot 2:4 model is from the
 * teacher, as the mean per-token KL(teacher ‖ pruned) (T = 1) over the example's validation windows, next
 * to its perplexity. Perplexity on text the teacher itself predicts badly (Moby Dick) can fall when pruning
 * perturbs the teacher, so it says little about how well a method preserved the teacher; the KL does.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatError, loadModelFolder, useBackend } from "@adaptive-sparse/cli";
import { noGrad, tensor, tidy } from "@adaptive-sparse/core";
import { createWindowSampler } from "@adaptive-sparse/data";
import { klLoss } from "@adaptive-sparse/distill";
import type { CausalLM } from "@adaptive-sparse/nn";
import { train } from "@adaptive-sparse/trainer";
import { loadExampleData } from "./data.js";
import { methodSpec } from "./methods.js";
import { parseScriptArgs } from "./run.js";
import { loadExampleSettings } from "./settings.js";

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const METHODS = ["magnitude", "wanda", "sparsegpt"] as const;

/** Mean over windows of the per-token KL(teacher ‖ student), windows as the perplexity evaluation cuts them. */
async function teacherDistance(teacher: CausalLM, student: CausalLM, tokens: ArrayLike<number>, blockSize: number, maxWindows: number): Promise<number> {
  const windows = Math.min(Math.floor(tokens.length / blockSize), maxWindows);
  let total = 0;
  for (let w0 = 0; w0 < windows; w0 += 8) {
    const batch = Math.min(8, windows - w0);
    const ids = Int32Array.from({ length: batch * blockSize }, (_, i) => tokens[w0 * blockSize + i]!);
    const kl = noGrad(() =>
      tidy(() => {
        const x = tensor(ids, { shape: [batch, blockSize], dtype: "i32", backend: student.backend! });
        return klLoss(student.forward(x).logits, teacher.forward(x).logits, { temperature: 1 });
      }),
    );
    total += (await kl.data())[0] * batch;
    kl.dispose();
  }
  return total / windows;
}

async function main() {
  const { set, backend } = parseScriptArgs("one-shot-distance", process.argv.slice(2));
  const settings = await loadExampleSettings(join(here, "config.yaml"), false, set);
  const placed = await useBackend(backend);
  const teacherFolder = resolve(here, settings.teacher);
  const { model: teacher, tokenizer } = await loadModelFolder(teacherFolder, undefined, { backend: placed });
  teacher.eval();
  const { retrain, validation } = await loadExampleData(settings, tokenizer);
  const blockSize = teacher.config.blockSize;
  const names = Object.keys(validation);
  const lines = [`| one-shot method | ${names.map((n) => `${n} PPL | ${n} KL(teacher ‖ pruned)`).join(" | ")} |`, `| --- | ${names.map(() => "--- | ---").join(" | ")} |`];
  for (const method of METHODS) {
    const { model: student } = await loadModelFolder(teacherFolder, undefined, { backend: placed });
    const spec = methodSpec(method, settings, 0);
    const result = await train({ config: spec.config!, student, teacher, data: { train: createWindowSampler(retrain, { blockSize, batchSize: 8, seed: 1000 }), validation, calibration: retrain } });
    result.model.eval();
    const cells: string[] = [];
    for (const n of names) cells.push(`${result.summary.perplexity[n]!.toFixed(2)} | ${(await teacherDistance(teacher, result.model, validation[n]!, blockSize, settings.evalWindows)).toFixed(4)}`);
    lines.push(`| ${spec.label} | ${cells.join(" | ")} |`);
  }
  console.log(lines.join("\n"));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${formatError(error)}\n`);
    process.exit(1);
  },
);
