import { ShapeError } from "@adaptive-sparse/core";
import { StateDictError } from "./errors.js";

/** How one family's Hugging Face tensor names relate to our parameter names (the same, give or take a prefix). */
export interface NameMap {
  /** Our parameter name for a checkpoint tensor name; null for tensors to skip (buffers, a tied head). */
  nativeName(hfName: string): string | null;
  /** What to check when tensors are missing (for the message). */
  readonly hint: string;
  /** True where the checkpoint stores our [rows, cols] parameter as [cols, rows] (GPT-2's Conv1D layers). */
  transposed?(nativeName: string): boolean;
}

/** `[2, 3]`, for messages. */
export const formatShape = (shape: readonly number[]) => `[${shape.join(", ")}]`;
export const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
/** The first 10 names, and how many in all past that, for messages. */
export const listNames = (names: string[]) => names.slice(0, 10).join(", ") + (names.length > 10 ? `, ... (${names.length} in all)` : "");

/** LLaMA/Mistral/Qwen2: `LlamaModel` checkpoints lack the `model.` prefix; old ones saved rotary `inv_freq` buffers. */
export function llamaNames(tied: boolean): NameMap {
  return {
    nativeName(hfName) {
      if (/\.rotary_emb\.inv_freq$/.test(hfName)) return null;
      if (hfName === "lm_head.weight") return tied ? null : hfName; // a tied head is embed_tokens (as transformers ties it)
      return hfName.startsWith("model.") ? hfName : `model.${hfName}`;
    },
    hint: "is this the model's checkpoint, and do num_hidden_layers and tie_word_embeddings in config.json match it?",
  };
}

/** OPT: facebook/opt-* checkpoints name the body `decoder.*` (OPTModel), save_pretrained of OPTForCausalLM `model.decoder.*`. */
export function optNames(tied: boolean): NameMap {
  return {
    nativeName(hfName) {
      if (hfName === "lm_head.weight") return tied ? null : hfName;
      return hfName.startsWith("decoder.") ? `model.${hfName}` : hfName;
    },
    hint: "is this the model's checkpoint, and do num_hidden_layers, word_embed_proj_dim and do_layer_norm_before in config.json match it?",
  };
}

/**
 * Checks checkpoint names and shapes against the model the config describes, before any data is read.
 * @returns checkpoint name -> our name, for the tensors to load
 * @throws StateDictError for missing or unexpected tensors, ShapeError naming each mis-shaped tensor
 */
export function matchNames(checkpoint: ReadonlyMap<string, readonly number[]>, expected: ReadonlyMap<string, number[]>, names: NameMap, where: string): Map<string, string> {
  const mapping = new Map<string, string>();
  const misshaped: string[] = [];
  const unexpected: string[] = [];
  const taken = new Set<string>();
  for (const [hfName, shape] of checkpoint) {
    const native = names.nativeName(hfName);
    if (native === null) continue;
    const ours = expected.get(native);
    const want = ours && names.transposed?.(native) ? [ours[1]!, ours[0]!] : ours;
    if (!want) unexpected.push(hfName);
    else if (taken.has(native)) throw new StateDictError(`${where}: two checkpoint tensors map to "${native}"; keep one`);
    else if (!sameShape(shape, want)) misshaped.push(`"${hfName}" is ${formatShape(shape)} in the checkpoint, the config needs ${formatShape(want)}`);
    else {
      mapping.set(hfName, native);
      taken.add(native);
    }
  }
  const missing = [...expected.keys()].filter((name) => !taken.has(name));
  if (misshaped.length) throw new ShapeError(`${where}: shapes differ from config.json: ${misshaped.slice(0, 10).join("; ")} (does config.json belong to these weights?)`);
  if (missing.length) throw new StateDictError(`${where}: missing tensors ${listNames(missing)} (${names.hint})`);
  if (unexpected.length) throw new StateDictError(`${where}: unexpected tensors ${listNames(unexpected)} (not part of this architecture; ${names.hint})`);
  return mapping;
}
