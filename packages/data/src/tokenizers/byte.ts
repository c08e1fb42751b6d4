/**
 * Tokenizer `byte`: the UTF-8 bytes of the text (ids 0–255) plus one end-of-text id (256), so
 * vocabSize is 257. No training, no files, any text round-trips exactly.
 */
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import type { Tokenizer, TokenizerPlugin } from "../types.js";
import { EOT_TEXT, assertTokenId } from "./token-check.js";

const EOT = 256;
const encoder = new TextEncoder();

/**
 * Creates the byte-level tokenizer.
 *
 * @example
 * const byte = createByteTokenizer();
 * byte.encode("hé"); // Int32Array [104, 195, 169]
 */
export function createByteTokenizer(): Tokenizer {
  const decoder = new TextDecoder("utf-8");
  return {
    name: "byte",
    vocabSize: 257,
    eotToken: EOT,
    encode: (text) => Int32Array.from(encoder.encode(text)),
    decode(ids) {
      // Bytes between two end-of-text ids are decoded together, so a multi-byte character is
      // whole; a dangling partial character becomes U+FFFD rather than an error.
      let text = "";
      let run: number[] = [];
      for (let position = 0; position < ids.length; position++) {
        const id = ids[position]!;
        assertTokenId("byte", id, position, 257);
        if (id === EOT) {
          text += decoder.decode(Uint8Array.from(run)) + EOT_TEXT;
          run = [];
        } else {
          run.push(id);
        }
      }
      return text + decoder.decode(Uint8Array.from(run));
    },
  };
}

/** The `byte` tokenizer plugin (no options). */
export const byteTokenizer: TokenizerPlugin = {
  name: "byte",
  apiVersion: 1,
  description: "UTF-8 bytes (0–255) plus an end-of-text id 256; vocabSize 257.",
  options: z.strictObject({}),
  async create(options) {
    validateOptions('tokenizer "byte"', z.strictObject({}), options);
    return createByteTokenizer();
  },
};
