// Test helper (not exported from index.ts): reads fixtures/families/<case>/expected.{json,bin} written by
// fixtures/families/make_family_fixtures.py (an independent PyTorch forward, backward and AdamW step).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tensor, type Backend, type Tensor } from "@adaptive-sparse/core";

export const FAMILY_FIXTURES = join(import.meta.dirname, "../fixtures/families");

/** The fixture cases, one Hugging Face folder each. */
export const FAMILY_CASES = ["llama-gqa-untied", "llama-tied-linear-rope", "qwen2-qkv-bias", "llama3-rope", "opt-pre-ln", "opt-post-ln-proj", "llama-sharded-bf16", "mistral", "llama-all-biases"] as const;

interface Expected {
  adamw: { lr: number; betas: [number, number]; eps: number; weight_decay: number };
  loss: number;
  arrays: Record<string, { offset: number; shape: number[]; dtype: "f32" | "i32" }>;
}

/** The expected values of one case: `load(name)` makes a tensor of `idx`, `targets`, `logits`, `grad.<param>`, `after.<param>`. */
export function familyExpected(name: string, backend: Backend) {
  const folder = join(FAMILY_FIXTURES, name);
  const expected = JSON.parse(readFileSync(join(folder, "expected.json"), "utf8")) as Expected;
  const blob = readFileSync(join(folder, "expected.bin"));
  const values = (key: string): Float32Array | Int32Array => {
    const { offset, shape, dtype } = expected.arrays[key]!;
    const bytes = blob.buffer.slice(blob.byteOffset + offset, blob.byteOffset + offset + 4 * shape.reduce((n, d) => n * d, 1));
    return dtype === "i32" ? new Int32Array(bytes) : new Float32Array(bytes);
  };
  const load = (key: string): Tensor => {
    const { shape, dtype } = expected.arrays[key]!;
    return tensor(values(key), { shape, dtype, backend });
  };
  const checked = Object.keys(expected.arrays).filter((k) => k.startsWith("grad.")).map((k) => k.slice(5));
  return { folder, adamw: expected.adamw, loss: expected.loss, values, load, checked };
}

/** max |actual − expected| / max |expected| (the GPT-2 parity test's measure). */
export function relError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / scale;
}
