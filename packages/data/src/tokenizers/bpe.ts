/**
 * Tokenizer `bpe`: a byte-level BPE we train ourselves (see `trainBpe`), for tiny models where
 * GPT-2's 50,257-id output layer would dominate CPU time. Ids 0–255 are bytes, id 256 + k is merge
 * k, and the last id is end-of-text. Serialises to a small JSON document.
 */
import { ConfigError, validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { readText } from "../loaders/read-file.js";
import type { Tokenizer, TokenizerPlugin } from "../types.js";
import { forEachWord } from "./pretokenize.js";
import { EOT_TEXT, assertTokenId } from "./token-check.js";

/** The JSON form of a trained BPE (what `JSON.stringify(tokenizer)` writes). */
export interface BpeJSON {
  readonly type: "byte-bpe";
  readonly version: 1;
  /** Pre-tokenizer; only GPT-2's exists. */
  readonly pretokenizer: "gpt2";
  /** Merge k joins ids `merges[k][0]` and `merges[k][1]` into id 256 + k. */
  readonly merges: readonly (readonly [number, number])[];
}

/** A trained BPE tokenizer. */
export interface BpeTokenizer extends Tokenizer {
  readonly eotToken: number;
  readonly merges: readonly (readonly [number, number])[];
  toJSON(): BpeJSON;
}

const PAIR_BASE = 65536;
const CACHE_LIMIT = 100_000; // distinct words remembered by encode; plenty for one corpus

/** Replaces each non-overlapping (left, right), scanning left to right, with `merged`. */
export function mergeWord(symbols: readonly number[], left: number, right: number, merged: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      out.push(merged);
      i += 1;
    } else {
      out.push(symbols[i]!);
    }
  }
  return out;
}

/**
 * Builds the tokenizer from a merge list (as learned by `trainBpe`).
 *
 * @example
 * const bpe = createBpeTokenizer([[104, 105]]); // "hi" → [256]
 */
export function createBpeTokenizer(merges: readonly (readonly [number, number])[]): BpeTokenizer {
  const ranks = new Map<number, number>();
  const pieces: Uint8Array[] = Array.from({ length: 256 }, (_, byte) => Uint8Array.of(byte));
  merges.forEach(([left, right], k) => {
    ranks.set(left * PAIR_BASE + right, k);
    const piece = new Uint8Array(pieces[left]!.length + pieces[right]!.length);
    piece.set(pieces[left]!);
    piece.set(pieces[right]!, pieces[left]!.length);
    pieces.push(piece);
  });
  const eotToken = 256 + merges.length;
  const vocabSize = eotToken + 1;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder("utf-8");
  const cache = new Map<string, readonly number[]>();

  const encodeWord = (word: string): readonly number[] => {
    let symbols: number[] = Array.from(encoder.encode(word));
    for (;;) {
      // Apply the earliest-learned merge present, exactly as training did.
      let best = Infinity;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const rank = ranks.get(symbols[i]! * PAIR_BASE + symbols[i + 1]!);
        if (rank !== undefined && rank < best) best = rank;
      }
      if (best === Infinity) return symbols;
      symbols = mergeWord(symbols, merges[best]![0], merges[best]![1], 256 + best);
    }
  };

  return {
    name: "bpe",
    vocabSize,
    eotToken,
    merges,
    encode(text) {
      const ids: number[] = [];
      forEachWord(text, (word) => {
        let encoded = cache.get(word);
        if (encoded === undefined) {
          if (cache.size >= CACHE_LIMIT) cache.clear();
          encoded = encodeWord(word);
          cache.set(word, encoded);
        }
        for (const id of encoded) ids.push(id);
      });
      return Int32Array.from(ids);
    },
    decode(ids) {
      let text = "";
      let bytes: number[] = [];
      for (let position = 0; position < ids.length; position++) {
        const id = ids[position]!;
        assertTokenId("bpe", id, position, vocabSize);
        if (id === eotToken) {
          text += decoder.decode(Uint8Array.from(bytes)) + EOT_TEXT;
          bytes = [];
        } else {
          for (const byte of pieces[id]!) bytes.push(byte);
        }
      }
      return text + decoder.decode(Uint8Array.from(bytes));
    },
    toJSON: () => ({ type: "byte-bpe", version: 1, pretokenizer: "gpt2", merges: merges.map(([left, right]) => [left, right] as const) }),
  };
}

const jsonSchema = z.strictObject({
  type: z.literal("byte-bpe"),
  version: z.literal(1),
  pretokenizer: z.literal("gpt2"),
  merges: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])),
});

/**
 * Rebuilds a tokenizer from its JSON form (the parsed object, not the string).
 *
 * @example
 * const bpe = bpeFromJSON(JSON.parse(await readFile("bpe.json", "utf8")));
 * @throws ConfigError when the document is not a version-1 byte-bpe model, or a merge refers to an
 *   id that does not exist yet at that point.
 */
export function bpeFromJSON(json: unknown): BpeTokenizer {
  const { merges } = validateOptions("bpeFromJSON", jsonSchema, json);
  merges.forEach(([left, right], k) => {
    if (left >= 256 + k || right >= 256 + k) {
      throw new ConfigError(`bpeFromJSON: merge ${k} uses id ${Math.max(left, right)}, but only ids below ${256 + k} exist at that point; the file is corrupt`);
    }
  });
  return createBpeTokenizer(merges);
}

const pluginSchema = z.strictObject({
  /** A JSON file written with `JSON.stringify(tokenizer)`. */
  path: z.string().min(1).optional(),
  /** The model itself (the parsed JSON). */
  model: z.unknown().optional(),
});

/** The `bpe` tokenizer plugin: loads a trained model from `path` or from `model`. */
export const bpeTokenizer: TokenizerPlugin = {
  name: "bpe",
  apiVersion: 1,
  description: "A byte-level BPE trained with trainBpe, loaded from a JSON file (path) or object (model).",
  options: pluginSchema,
  async create(options) {
    const where = 'tokenizer "bpe"';
    const { path, model } = validateOptions(where, pluginSchema, options);
    if ((path === undefined) === (model === undefined)) {
      throw new ConfigError(`${where}: give exactly one of the options "path" (a JSON file) or "model" (the parsed JSON)`);
    }
    if (model !== undefined) return bpeFromJSON(model);
    const text = await readText(where, path!);
    try {
      return bpeFromJSON(JSON.parse(text));
    } catch (error) {
      if (error instanceof SyntaxError) throw new ConfigError(`${where}: "${path}" is not JSON (${error.message}); write it with JSON.stringify(tokenizer)`);
      throw error;
    }
  },
};
