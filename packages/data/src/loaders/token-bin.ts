/**
 * Dataset `token-bin`: a nanoGPT-style `.bin` file, a raw little-endian array of token ids with no
 * header (nanoGPT `data/<set>/prepare.py` writes uint16; vocabularies over 65,536 need uint32).
 */
import { basename, extname } from "node:path";
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { writeFileAtomic } from "../cache/atomic-write.js";
import { EmptyCorpusError, TokenFileError } from "../errors.js";
import type { TokenArray, TokenCorpus, TokenDatasetPlugin, TokenDType } from "../types.js";
import { readBytes } from "./read-file.js";

const schema = z.strictObject({
  /** Path of the `.bin` file. */
  path: z.string().min(1),
  /** Element type of the file. */
  dtype: z.enum(["uint16", "uint32"]).default("uint16"),
  /** When set, every id must be below it (catches a file tokenized with another vocabulary). */
  vocabSize: z.number().int().positive().optional(),
  /** Corpus name; defaults to the file name without its extension. */
  name: z.string().min(1).optional(),
});

/** Options of {@link loadTokenBin}. */
export type TokenBinOptions = z.input<typeof schema>;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bytes per element of a token dtype. */
export function tokenBytes(dtype: TokenDType): 2 | 4 {
  return dtype === "uint16" ? 2 : 4;
}

/**
 * Decodes raw little-endian bytes as tokens. Always copies into a fresh, aligned buffer, because a
 * Node `Buffer` may sit at an odd offset inside a shared pool.
 *
 * @throws TokenFileError when the byte length is not a multiple of the element size.
 */
export function decodeTokenBytes(where: string, bytes: Uint8Array, dtype: TokenDType): TokenArray {
  const size = tokenBytes(dtype);
  if (bytes.byteLength % size !== 0) {
    throw new TokenFileError(
      `${where}: ${bytes.byteLength} bytes is not a multiple of ${size} (the size of one ${dtype}); ` +
        `the file is truncated or was written with another dtype (try dtype "${dtype === "uint16" ? "uint32" : "uint16"}")`,
    );
  }
  const count = bytes.byteLength / size;
  const tokens = dtype === "uint16" ? new Uint16Array(count) : new Uint32Array(count);
  if (LITTLE_ENDIAN) {
    new Uint8Array(tokens.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) tokens[i] = size === 2 ? view.getUint16(i * 2, true) : view.getUint32(i * 4, true);
  }
  return tokens;
}

/** Encodes tokens as little-endian bytes (a view on big-endian hosts would be byte-swapped). */
export function encodeTokenBytes(tokens: TokenArray): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(tokens.buffer, tokens.byteOffset, tokens.byteLength);
  const bytes = new Uint8Array(tokens.byteLength);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens.BYTES_PER_ELEMENT === 2) view.setUint16(i * 2, tokens[i]!, true);
    else view.setUint32(i * 4, tokens[i]!, true);
  }
  return bytes;
}

/**
 * Writes tokens as a nanoGPT `.bin` file (little endian, no header), atomically.
 *
 * @example
 * await writeTokenBin("train.bin", new Uint16Array([464, 3290, 50256]));
 */
export async function writeTokenBin(path: string, tokens: TokenArray): Promise<void> {
  await writeFileAtomic(path, encodeTokenBytes(tokens));
}

/**
 * Reads a nanoGPT `.bin` token file.
 *
 * @example
 * const { tokens } = await loadTokenBin({ path: "data/openwebtext/val.bin", dtype: "uint16" });
 * @throws DataFileError when the file is missing; TokenFileError when its length is not a multiple
 *   of the element size or an id is out of range; EmptyCorpusError when it is empty.
 */
export async function loadTokenBin(options: TokenBinOptions): Promise<TokenCorpus> {
  const { path, dtype, vocabSize, name } = validateOptions('dataset "token-bin"', schema, options);
  const where = `dataset "token-bin" (path "${path}")`;
  const tokens = decodeTokenBytes(where, await readBytes(where, path), dtype);
  if (tokens.length === 0) throw new EmptyCorpusError(`${where}: the file holds no tokens; check that it was written completely`);
  if (vocabSize !== undefined) {
    const index = tokens.findIndex((token) => token >= vocabSize);
    if (index >= 0) {
      throw new TokenFileError(`${where}: token ${index} is ${tokens[index]}, not below vocabSize ${vocabSize}; the file was tokenized with another vocabulary`);
    }
  }
  return { name: name ?? basename(path, extname(path)), dtype, tokens };
}

/** The `token-bin` dataset plugin (format `tokens`). */
export const tokenBinDataset: TokenDatasetPlugin = {
  name: "token-bin",
  apiVersion: 1,
  description: "A nanoGPT-style .bin token file (raw little-endian uint16 or uint32, no header).",
  options: schema,
  format: "tokens",
  load: (options) => loadTokenBin(options as TokenBinOptions),
};
