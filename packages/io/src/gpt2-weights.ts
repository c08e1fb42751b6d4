import { ShapeError } from "@adaptive-sparse/core";
import { checkpointFiles } from "./checkpoint-files.js";
import { StateDictError } from "./errors.js";
import { nativeGpt2Shapes, type Gpt2Config } from "./gpt2-config.js";
import { gpt2Names } from "./hf-gpt2.js";
import { readSafetensors } from "./safetensors-read.js";
import { checkWeights, type CheckedWeights } from "./stream-weights.js";

const HEAD = ["lm_head.weight", "transformer.lm_head.weight"];

/**
 * A GPT-2 checkpoint streamed into a model, one tensor at a time (see {@link checkWeights}): the Conv1D
 * weights are transposed as they are read. Our GPT ties its head to wte, so a saved `lm_head.weight` must
 * equal wte; it is compared once the weights are in, and a different head is an error rather than dropped.
 * @throws as checkWeights; ShapeError / StateDictError for an lm_head that is not wte
 */
export async function checkGpt2Weights(folder: string, config: Gpt2Config, where: string): Promise<CheckedWeights> {
  const weights = await checkWeights(folder, nativeGpt2Shapes(config), gpt2Names, where);
  return {
    async loadInto(model, options) {
      const report = await weights.loadInto(model, options);
      for (const file of await checkpointFiles(folder, where)) {
        const name = HEAD.find((head) => file.tensors.has(head));
        if (!name) continue;
        const head = (await readSafetensors(file.path, { names: [name], toFloat32: true })).get(name)!;
        const wte = model.getParameter("transformer.wte.weight");
        if (head.shape.join() !== wte.shape.join()) throw new ShapeError(`${where}: "${name}" is [${head.shape.join(", ")}], expected [${wte.shape.join(", ")}] (tied to wte)`);
        const tied = await wte.data();
        const differs = (head.data as Float32Array).findIndex((v, i) => !Object.is(v, tied[i]));
        if (differs >= 0) throw new StateDictError(`${where}: "${name}" differs from wte at element ${differs}; only GPT-2 with a tied LM head is supported`);
      }
      return report;
    },
  };
}
