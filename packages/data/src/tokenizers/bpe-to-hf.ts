/**
 * Our byte-level BPE written as a Hugging Face `tokenizer.json` in GPT-2's layout (ByteLevel
 * pre-tokenizer and decoder, BPE model), so a model trained with it can be shared as a Hugging Face
 * folder, and so the `hf` tokenizer can be checked against ours id for id.
 */
import type { BpeJSON } from "./bpe.js";
import { EOT_TEXT } from "./token-check.js";

/** GPT-2's byte → printable character table (bytes that print as themselves keep their code point). */
export function byteToUnicode(): string[] {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const table: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCodePoint(printable(b) ? b : 256 + extra++);
  return table;
}

/**
 * The Hugging Face `tokenizer.json` object of a trained BPE (ids unchanged: 0–255 bytes, 256 + k
 * merge k, the last id end-of-text `<|endoftext|>`).
 *
 * @example
 * writeFileSync("model/tokenizer.json", JSON.stringify(bpeToHfJson(bpe.toJSON())));
 */
export function bpeToHfJson(bpe: BpeJSON): Record<string, unknown> {
  const bytes = byteToUnicode();
  const pieces = [...bytes];
  const vocab: Record<string, number> = {};
  bytes.forEach((text, id) => (vocab[text] = id));
  const merges = bpe.merges.map(([left, right], k) => {
    pieces.push(pieces[left]! + pieces[right]!);
    vocab[pieces[256 + k]!] = 256 + k;
    return `${pieces[left]} ${pieces[right]}`;
  });
  const eot = 256 + bpe.merges.length;
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [{ id: eot, content: EOT_TEXT, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: "", end_of_word_suffix: "", fuse_unk: false, byte_fallback: false, vocab, merges },
  };
}
