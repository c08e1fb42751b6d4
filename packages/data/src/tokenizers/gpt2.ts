/**
 * Tokenizer `gpt2`: GPT-2's byte-level BPE (50,257 ids, end-of-text 50256) through js-tiktoken's
 * `lite` entry and only the gpt2 ranks, fully offline. Text is encoded the way tiktoken's
 * `encode_ordinary` does (method.md §3.8, §7.1): `<|endoftext|>` inside a document is plain text.
 */
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import type { Tokenizer, TokenizerPlugin } from "../types.js";
import { assertTokenId } from "./token-check.js";

const VOCAB_SIZE = 50257;
const EOT = 50256;

/**
 * Loads the GPT-2 tokenizer. The ranks (about 0.4 s to parse) are imported on first call, not when
 * this package is imported; keep the returned tokenizer rather than creating it repeatedly.
 *
 * @example
 * const gpt2 = await createGpt2Tokenizer();
 * gpt2.encode("Hello world"); // [15496, 995]
 */
export async function createGpt2Tokenizer(): Promise<Tokenizer> {
  const [{ Tiktoken }, ranks] = await Promise.all([import("js-tiktoken/lite"), import("js-tiktoken/ranks/gpt2")]);
  const encoding = new Tiktoken(ranks.default);
  return {
    name: "gpt2",
    vocabSize: VOCAB_SIZE,
    eotToken: EOT,
    // No allowed and no disallowed special tokens: special strings are encoded as ordinary text.
    encode: (text) => encoding.encode(text, [], []),
    decode(ids) {
      const list = Array.from(ids);
      list.forEach((id, position) => assertTokenId("gpt2", id, position, VOCAB_SIZE));
      return encoding.decode(list);
    },
  };
}

/** The `gpt2` tokenizer plugin (no options). */
export const gpt2Tokenizer: TokenizerPlugin = {
  name: "gpt2",
  apiVersion: 1,
  description: "GPT-2 byte-level BPE via js-tiktoken (offline), vocabSize 50257, end-of-text 50256.",
  options: z.strictObject({}),
  async create(options) {
    validateOptions('tokenizer "gpt2"', z.strictObject({}), options);
    return createGpt2Tokenizer();
  },
};
